/**
 * Options sections for the extension's preferences (preferences.ts): transfer limits, seeding
 * goals and queue limits the engine applies, browser integration (magnet links, .torrent downloads, notifications), and appearance
 * (badge, theme). Each field saves on its own when it changes.
 */
import type { Snapshot } from '../../src/extension/messages.js';
import { BADGE_MODES, SEED_GOAL_ACTIONS, THEME_SETTINGS, TRANSFER_FIELDS } from '../../src/extension/preferences.js';
import { t } from '../common/i18n.js';
import { MagnetHandler } from './magnet-handler.js';
import { NumberPreference, SelectPreference, TogglePreference, type Send } from './preference-field.js';

function Loading(props: { id: string; title: string }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      <p class="muted">{t('options_loading')}</p>
    </section>
  );
}

export function TransferSection(props: { snapshot: Snapshot; send: Send }) {
  const prefs = props.snapshot.preferences;
  if (!prefs) return <Loading id="transfer-title" title={t('options_transferTitle')} />;
  return (
    <section class="settings-section" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('options_transferTitle')}</h2>
      {TRANSFER_FIELDS.map((field) => (
        <NumberPreference key={field} field={field} label={t(`options_${field}`)} hint={t(`options_${field}Hint`)} prefs={prefs} send={props.send} decimal={field === 'seedRatioLimit'} text={field === 'altSchedule'} />
      ))}
      <SelectPreference
        field="seedGoalAction"
        label={t('options_seedGoalAction')}
        options={SEED_GOAL_ACTIONS.map((value) => ({ value, label: t(`options_seedGoalAction_${value}`) }))}
        prefs={prefs}
        send={props.send}
      />
    </section>
  );
}

export function IntegrationSection(props: { snapshot: Snapshot; send: Send }) {
  const prefs = props.snapshot.preferences;
  if (!prefs) return <Loading id="integration-title" title={t('options_integrationTitle')} />;
  return (
    <section class="settings-section" aria-labelledby="integration-title">
      <h2 id="integration-title">{t('options_integrationTitle')}</h2>
      <MagnetHandler prefs={prefs} send={props.send} />
      <TogglePreference field="interceptTorrentDownloads" label={t('options_torrentDownloadsLabel')} hint={t('options_torrentDownloadsHint')} prefs={prefs} send={props.send} />
      <TogglePreference field="notifications" label={t('options_notificationsLabel')} hint={t('options_notificationsHint')} prefs={prefs} send={props.send} />
    </section>
  );
}

export function AppearanceSection(props: { snapshot: Snapshot; send: Send }) {
  const prefs = props.snapshot.preferences;
  if (!prefs) return <Loading id="appearance-title" title={t('options_appearanceTitle')} />;
  return (
    <section class="settings-section" aria-labelledby="appearance-title">
      <h2 id="appearance-title">{t('options_appearanceTitle')}</h2>
      <SelectPreference
        field="badge"
        label={t('options_badgeLabel')}
        options={BADGE_MODES.map((value) => ({ value, label: t(`options_badge_${value}`) }))}
        prefs={prefs}
        send={props.send}
      />
      <SelectPreference
        field="theme"
        label={t('options_themeLabel')}
        options={THEME_SETTINGS.map((value) => ({ value, label: t(`options_theme_${value}`) }))}
        prefs={prefs}
        send={props.send}
      />
    </section>
  );
}
