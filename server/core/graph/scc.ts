/**
 * Strongly connected components of a directed graph in CSR form (iterative Tarjan, no recursion,
 * typed arrays only). Returns the component id of every node, numbered 0..count-1.
 */
export function stronglyConnected(
  nodeCount: number,
  firstOut: Uint32Array,
  head: Uint32Array,
): { comp: Int32Array; count: number } {
  const index = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const comp = new Int32Array(nodeCount).fill(-1);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Uint32Array(nodeCount);
  let sp = 0;
  // The DFS call stack: node and the next out-edge to look at.
  const callNode = new Uint32Array(nodeCount);
  const callEdge = new Uint32Array(nodeCount);
  let next = 0;
  let count = 0;
  for (let root = 0; root < nodeCount; root++) {
    if (index[root] !== -1) continue;
    let csp = 0;
    callNode[0] = root;
    callEdge[0] = firstOut[root]!;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (csp >= 0) {
      const v = callNode[csp]!;
      const e = callEdge[csp]!;
      if (e < firstOut[v + 1]!) {
        callEdge[csp] = e + 1;
        const w = head[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          csp++;
          callNode[csp] = w;
          callEdge[csp] = firstOut[w]!;
        } else if (onStack[w] === 1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      // v is finished.
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = count;
        } while (w !== v);
        count++;
      }
      csp--;
      if (csp >= 0) {
        const parent = callNode[csp]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return { comp, count };
}
