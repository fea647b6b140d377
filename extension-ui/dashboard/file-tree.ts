/**
 * The Files tab's and the add dialog's tree, built from the flat file list ("<name>/<a>/<b>").
 * Folders carry the sums of their files and whether their files are all, none or some wanted;
 * a checkbox on a folder applies to every file below it.
 */
export interface FlatFile {
  index: number;
  path: string;
  length: number;
  /** Verified bytes (absent in the add dialog). */
  downloaded?: number;
  /** 0 = skip; absent means wanted. */
  priority?: number;
}

export interface TreeNode {
  /** Unique key: the path of the folder, or `#<index>` for a file. */
  key: string;
  name: string;
  depth: number;
  /** Set for files. */
  file?: FlatFile;
  children: TreeNode[];
  length: number;
  downloaded: number;
  /** Indexes of every file at or below this node. */
  indexes: number[];
}

/** One collator for every comparison: `localeCompare` with options builds one per call (slow at 10,000 files). */
const byName = new Intl.Collator(undefined, { numeric: true });

/** Builds the tree; the top folder named like the torrent is left out (every path starts with it). */
export function buildFileTree(files: readonly FlatFile[], torrentName: string): TreeNode[] {
  const root: TreeNode = { key: '', name: '', depth: -1, children: [], length: 0, downloaded: 0, indexes: [] };
  const folders = new Map<string, TreeNode>([['', root]]);
  const strip = files.length > 0 && files.every((f) => f.path.startsWith(`${torrentName}/`)) ? torrentName.length + 1 : 0;
  for (const file of files) {
    const parts = file.path.slice(strip).split('/');
    let parent = root;
    let path = '';
    for (let i = 0; i < parts.length - 1; i++) {
      path = path ? `${path}/${parts[i]}` : parts[i]!;
      let folder = folders.get(path);
      if (!folder) {
        folder = { key: path, name: parts[i]!, depth: i, children: [], length: 0, downloaded: 0, indexes: [] };
        folders.set(path, folder);
        parent.children.push(folder);
      }
      parent = folder;
    }
    parent.children.push({ key: `#${file.index}`, name: parts[parts.length - 1]!, depth: parts.length - 1, file, children: [], length: file.length, downloaded: file.downloaded ?? 0, indexes: [file.index] });
  }
  const total = (node: TreeNode): void => {
    for (const child of node.children) {
      if (!child.file) total(child);
      node.length += child.length;
      node.downloaded += child.downloaded;
      for (const i of child.indexes) node.indexes.push(i);
    }
    // Folders first, then files, each by name.
    node.children.sort((a, b) => (!a.file !== !b.file ? (a.file ? 1 : -1) : byName.compare(a.name, b.name)));
  };
  total(root);
  return root.children;
}

/**
 * The same tree with the verified bytes of `files` (same paths, newer numbers): O(files), no
 * re-sorting, and nodes whose bytes did not change are kept as they are (an unchanged tree comes
 * back as the same array, so views memoized on it do nothing).
 */
export function refreshProgress(nodes: readonly TreeNode[], files: readonly FlatFile[]): readonly TreeNode[] {
  const verified: number[] = [];
  for (const f of files) verified[f.index] = f.downloaded ?? 0;
  const walk = (node: TreeNode): TreeNode => {
    if (node.file) {
      const downloaded = verified[node.file.index] ?? 0;
      return downloaded === node.downloaded ? node : { ...node, downloaded };
    }
    const children = refreshList(node.children);
    if (children === node.children) return node;
    return { ...node, children: children as TreeNode[], downloaded: children.reduce((n, c) => n + c.downloaded, 0) };
  };
  const refreshList = (list: readonly TreeNode[]): readonly TreeNode[] => {
    let out: TreeNode[] | null = null;
    for (let i = 0; i < list.length; i++) {
      const next = walk(list[i]!);
      if (next !== list[i] && !out) out = list.slice(0, i);
      out?.push(next);
    }
    return out ?? list;
  };
  return refreshList(nodes);
}

/** The rows to show: depth-first, children of collapsed folders left out. */
export function visibleNodes(nodes: readonly TreeNode[], collapsed: ReadonlySet<string>): TreeNode[] {
  const out: TreeNode[] = [];
  const walk = (list: readonly TreeNode[]): void => {
    for (const node of list) {
      out.push(node);
      if (!node.file && !collapsed.has(node.key)) walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

export type CheckState = 'all' | 'none' | 'some';

/** Whether the files under `node` are wanted, by `wanted(index)`. */
export function checkState(node: TreeNode, wanted: (index: number) => boolean): CheckState {
  let yes = 0;
  for (const i of node.indexes) if (wanted(i)) yes++;
  return yes === 0 ? 'none' : yes === node.indexes.length ? 'all' : 'some';
}
