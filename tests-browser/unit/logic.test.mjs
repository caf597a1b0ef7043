// Pure logic of the dashboard (no browser): node --test tests-browser/unit/
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, parseMemory, commandLine, formatDuration, plural } from '../../src/main/resources/public/js/format.js';
import { coreRanges, gpuUsage, nodeCores, nodeGpus, numaZones } from '../../src/main/resources/public/js/pages/node-math.js';
import { buildSubmitBody, schedulingFailures } from '../../src/main/resources/public/js/pages/submit-form.js';
import { containerState } from '../../src/main/resources/public/js/pages/docker.js';
import { terminalUrl } from '../../src/main/resources/public/js/terminal.js';
import { allowed } from '../../src/main/resources/public/js/task-actions.js';

test('memory sizes are 1024-based', () => {
  assert.equal(parseMemory('512M'), 536870912);
  assert.equal(parseMemory('2g'), 2147483648);
  assert.equal(parseMemory('1.5G'), 1610612736);
  assert.equal(parseMemory('4096'), 4096);
  assert.equal(parseMemory('64KiB'), 65536);
  assert.equal(parseMemory(' '), null);
  assert.throws(() => parseMemory('lots'), /512M/);
  assert.throws(() => parseMemory('-1M'));
  assert.equal(formatBytes(536870912), '512 MiB');
  assert.equal(formatBytes(null), '–');
});

test('submit body: defaults stay null so the Host applies its own (no F3)', () => {
  const body = buildSubmitBody({ command: ' python ', arguments: 'a b\n\n--x=1\n', env: 'A=1\nB=x=y\n', checkedTargets: ['n1'],
    extraTargets: 'n2:0, n2:0', cores: '2', memory: '512M', container: 'NULL', privileged: '', mounts: '' });
  assert.deepEqual(body, { command: 'python', arguments: ['a b', '--x=1'], env_vars: { A: '1', B: 'x=y' },
    targets: ['n1', 'n2:0', 'n2:0'], required_cores: 2, required_memory_bytes: 536870912, container_name: 'NULL',
    privileged: null, additional_mounts: null });
  const set = buildSubmitBody({ command: 'x', arguments: '', env: '', checkedTargets: [], extraTargets: '', cores: '',
    memory: '', container: '', privileged: 'false', mounts: '/a:/b\n' });
  assert.equal(set.privileged, false);
  assert.deepEqual(set.additional_mounts, ['/a:/b']);
  assert.deepEqual(set.targets, []);
  assert.equal(set.required_cores, 1);
  assert.equal(set.required_memory_bytes, null);
  assert.equal(set.container_name, '');
});

test('submit body: bad input is reported per field', () => {
  try {
    buildSubmitBody({ command: '', arguments: '', env: 'NOEQUALS', checkedTargets: [], extraTargets: '', cores: '1.5',
      memory: 'big', container: '', privileged: '', mounts: '' });
    assert.fail('no error');
  } catch (e) {
    assert.deepEqual(Object.keys(e.fieldErrors).sort(), ['command', 'env_vars', 'required_cores', 'required_memory_bytes']);
  }
});

test('task actions follow the state', () => {
  assert.deepEqual(allowed('running'), { kill: true, pause: true, resume: false });
  assert.deepEqual(allowed('paused'), { kill: true, pause: false, resume: true });
  assert.deepEqual(allowed('assigning'), { kill: true, pause: false, resume: false });
  for (const s of ['completed', 'failed', 'killed', 'killed_oom', 'lost']) assert.deepEqual(allowed(s), { kill: false, pause: false, resume: false });
});

test('node numbers tolerate offline nodes ("N/A") and missing NUMA', () => {
  assert.deepEqual(nodeCores({ total_cores: 8, cores_in_use: 'N/A' }), { total: 8, used: 0, free: 8 });
  assert.deepEqual(numaZones({ numa_topology: null }), []);
  assert.deepEqual(numaZones({ numa_topology: { 1: { cores: [2, 3] }, 0: { cores: [0, 1], memory_bytes: 5 } } }).map((z) => z.id), [0, 1]);
  assert.equal(coreRanges([8, 0, 1, 2, 3, 10, 11]), '0-3,8,10-11');
});

test('docker status text and terminal URL', () => {
  assert.equal(containerState('Up 5 hours'), 'running');
  assert.equal(containerState('Up 2 minutes (Paused)'), 'paused');
  assert.equal(containerState('Exited (0) 2 days ago'), 'stopped');
  assert.equal(containerState('Created'), 'created');
  assert.equal(terminalUrl('my env', { protocol: 'https:', host: 'h:8000' }, 't/k'),
    'wss://h:8000/api/docker/host/containers/my%20env/terminal?token=t%2Fk');
  assert.equal(terminalUrl('e', { protocol: 'http:', host: 'h' }, ''), 'ws://h/api/docker/host/containers/e/terminal');
});

test('display helpers', () => {
  assert.equal(commandLine({ command: 'echo', arguments: ['a b', "it's", 'x'] }), "echo 'a b' 'it'\\''s' x");
  assert.equal(formatDuration(61000), '1 min 1 s');
  assert.equal(formatDuration(-5), '–');
});

test('scheduling refusals: the original repr becomes {target, reason} entries', () => {
  const wire = "Failed to schedule task for any target. Failures: [{'target': 'nosuch', 'reason': 'Node not registered'},"
    + " {'target': 'n1:7', 'reason': 'Invalid NUMA ID for node (Valid: [0])'}]";
  assert.deepEqual(schedulingFailures(wire), [
    { target: 'nosuch', reason: 'Node not registered' },
    { target: 'n1:7', reason: 'Invalid NUMA ID for node (Valid: [0])' },
  ]);
  assert.deepEqual(schedulingFailures('No online node has 64 free cores'), []);
  assert.deepEqual(schedulingFailures(undefined), []);
});

test('plural', () => {
  assert.equal(plural(1, 'core'), '1 core');
  assert.equal(plural(0, 'core'), '0 cores');
  assert.equal(plural(306, 'core'), '306 cores');
});

test('GPU fields: the submit body asks for any N (ids go on a target) and node GPUs read -1 as unknown', () => {
  const base = { command: 'x', arguments: '', env: '', checkedTargets: [], extraTargets: 'n1::0,1', cores: '', memory: '',
    container: 'NULL', privileged: '', mounts: '' };
  const named = buildSubmitBody({ ...base, gpus: '', gpuShare: false });
  assert.deepEqual(named.targets, ['n1::0,1']);
  assert.deepEqual(buildSubmitBody({ ...base, extraTargets: 'a, b:1 c::0, 2,3 d' }).targets, ['a', 'b:1', 'c::0,2,3', 'd']);
  assert.equal(named.gpu_count, undefined);
  assert.equal(named.gpu_share, undefined);
  const any = buildSubmitBody({ ...base, extraTargets: '', gpus: '2', gpuShare: true });
  assert.equal(any.gpu_count, 2);
  assert.equal(any.gpu_share, true);
  assert.throws(() => buildSubmitBody({ ...base, gpus: '1.5' }), (e) => e.fieldErrors.gpu_count === 'Whole number of GPUs');
  const n = { gpus_total: 2, gpus_free: 1, gpu_info: [
    { gpu_id: 0, name: 'A100', memory_used_mib: 1024, memory_total_mib: 81920, gpu_utilization: 37, temperature: 45, holders: ['7'], shares_used: 0, exclusive: true },
    { gpu_id: 1, name: 'A100', memory_used_mib: -1, memory_total_mib: 81920, gpu_utilization: -1, temperature: 33, holders: [] }] };
  assert.deepEqual(gpuUsage(n), { total: 2, used: 1 });
  assert.equal(gpuUsage({}), null);
  const g = nodeGpus(n);
  assert.equal(g[0].util, 37);
  assert.deepEqual(g[0].holders, ['7']);
  assert.equal(g[1].memUsed, null);
  assert.equal(g[1].util, null);
  assert.deepEqual(nodeGpus({ gpu_info: null }), []);
});
