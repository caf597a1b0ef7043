// Reading the numbers of a node object the same way on every page. cores_in_use is the string "N/A" for
// nodes that are not online (wire compatibility with the original dashboard), so it is read defensively.

export function nodeCores(n) {
  const total = Number(n.total_cores) || 0;
  const used = typeof n.cores_in_use === 'number' ? n.cores_in_use : 0;
  return { total, used, free: Math.max(0, total - used) };
}

export function nodeMemory(n) {
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    total: num(n.memory_total_bytes),
    used: num(n.memory_used_bytes),
    reserved: num(n.memory_in_use_bytes),
  };
}

/** NUMA zones as [{id, cores: [..], memory_bytes}] sorted by id; [] when the node reported none. */
export function numaZones(n) {
  const topo = n.numa_topology;
  if (!topo || typeof topo !== 'object') return [];
  return Object.entries(topo)
    .map(([id, z]) => ({ id: Number(id), cores: (z && z.cores) || [], memory_bytes: z ? z.memory_bytes : null }))
    .sort((a, b) => a.id - b.id);
}

/** "0-3,8,10-11" for a list of core numbers. */
export function coreRanges(cores) {
  const sorted = [...cores].map(Number).sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return parts.join(',');
}

/**
 * A node's GPUs as [{id, name, memUsed, memTotal, util, temp, holders, sharesUsed, exclusive}]; figures the
 * driver could not give are null (the wire has -1, KohakuRiver's convention). [] for a node without GPUs.
 */
export function nodeGpus(n) {
  const known = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  return (Array.isArray(n.gpu_info) ? n.gpu_info : []).map((g) => ({
    id: g.gpu_id,
    name: g.name || '',
    memUsed: known(g.memory_used_mib),
    memTotal: known(g.memory_total_mib),
    util: known(g.gpu_utilization),
    temp: known(g.temperature),
    holders: Array.isArray(g.holders) ? g.holders : [],
    sharesUsed: Number(g.shares_used) || 0,
    exclusive: !!g.exclusive,
  }));
}

/** GPUs in use / total ("1 / 4"), or null for a node without GPUs. */
export function gpuUsage(n) {
  const total = Number(n.gpus_total) || 0;
  if (!total) return null;
  const used = Math.max(0, total - (Number(n.gpus_free) || 0));
  return { total, used };
}
