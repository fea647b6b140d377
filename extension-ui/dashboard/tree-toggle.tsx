/**
 * The expand/collapse control of a file-tree row (add dialog and Files tab): a button for a
 * folder, an aligned blank for a file.
 */
import type { TreeNode } from './file-tree.js';
import { t } from '../common/i18n.js';

export function TreeToggle(props: { node: TreeNode; collapsed: ReadonlySet<string>; setCollapsed(next: Set<string>): void }) {
  const { node, collapsed } = props;
  if (node.file) return <span class="tree-toggle" aria-hidden="true" />;
  const isOpen = !collapsed.has(node.key);
  return (
    <button
      type="button"
      class="tree-toggle"
      aria-expanded={isOpen ? 'true' : 'false'}
      aria-label={isOpen ? t('dash_collapseFolder', node.name) : t('dash_expandFolder', node.name)}
      onClick={() => {
        const next = new Set(collapsed);
        if (isOpen) next.add(node.key);
        else next.delete(node.key);
        props.setCollapsed(next);
      }}
    >
      {isOpen ? '▾' : '▸'}
    </button>
  );
}
