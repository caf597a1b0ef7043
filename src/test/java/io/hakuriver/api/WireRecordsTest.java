package io.hakuriver.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.util.Json;
import io.hakuriver.util.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The wire records both sides share: what a sender builds reads back as an equal record on the receiver (from bytes
 * and from a tree, as the Host and the Runner read them), the original's bodies from wire-transcripts.md read, the
 * JSON we send has the original's field names, nulls and number forms, and every kind of bad input is an
 * InvalidBody that names the field in plain words.
 */
class WireRecordsTest {
    static final WireReader<RunRequest> RUN = WireReader.of(RunRequest.class);
    static final WireReader<UpdateRequest> UPDATE = WireReader.of(UpdateRequest.class);
    static final WireReader<RegisterRequest> REGISTER = WireReader.of(RegisterRequest.class);
    static final WireReader<HeartbeatRequest> HEARTBEAT = WireReader.of(HeartbeatRequest.class);
    static final WireReader<TaskControlRequest> CONTROL = WireReader.of(TaskControlRequest.class);
    static final WireReader<RunResult> RUN_RESULT = WireReader.of(RunResult.class);
    static final WireReader<UpdateResult> UPDATE_RESULT = WireReader.of(UpdateResult.class);

    private static byte[] bytes(String json) { return json.getBytes(StandardCharsets.UTF_8); }

    /**
     * Written by the sender (WireJson, as HostLink/RunnerLink do), read by the receiver from bytes and from parsed
     * values; the bytes are the ones the Host's databind mapper writes for the same record (its web API and the
     * dashboard render records with it).
     */
    private static <T> void roundTrips(T sent, WireReader<T> reader) throws Exception {
        byte[] wire = WireJson.bytes(sent);
        assertThat(new String(wire, StandardCharsets.UTF_8)).isEqualTo(Json.write(sent));
        assertThat(reader.read(wire)).isEqualTo(sent);
        assertThat(reader.read(WireJson.parse(wire))).isEqualTo(sent);
    }

    private static Object parsed(String json) {
        try { return WireJson.parse(json); } catch (Exception e) { throw new AssertionError(e); }
    }

    private static InvalidBody invalid(Runnable read) {
        InvalidBody e = catchThrowableOfType(InvalidBody.class, read::run);
        assertThat(e).as("an InvalidBody").isNotNull();
        assertThat(e.detail()).doesNotContain("com.fasterxml", "java.", "Exception", "io.hakuriver", "Cannot ", "[Source");
        return e;
    }

    private static InvalidBody invalidRun(String json) { return invalid(() -> RUN.read(bytes(json))); }

    private static GpuInfo gpu(int id) { return new GpuInfo(id, "GPU-" + id, "NVIDIA A100", 81920, 1024, 80896, 37, 45, 71520); }

    // ------------------------------------------------------------------ round trips

    @Test void whatTheSenderBuildsReadsBackEqual() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("A", "1");
        roundTrips(new RunRequest(7531584720367255552L, "echo", List.of("hello", "wörld"), env, 2,
                "/shared/task_outputs/1.out", "/shared/task_errors/1.err", 1L << 30, 0, "hakuriver/base:base", true,
                List.of("/data:/data"), "vm", List.of(0, 3)), RUN);
        roundTrips(new RunRequest(1, "true", List.of(), Map.of(), 0, null, null, null, null, "", false, List.of(), null), RUN);
        roundTrips(new UpdateRequest(7531584720367255552L, TaskStatus.KILLED_OOM, 137, "Killed: out of memory.",
                Times.localNow(), Times.localNow()), UPDATE);
        roundTrips(new UpdateRequest(5L, TaskStatus.RUNNING, null, null, Times.localNow(), null), UPDATE);
        roundTrips(new RegisterRequest("vm", 2, 25276502016L, "http://127.0.0.1:18001",
                Map.of("0", new NumaNode(List.of(0, 1), 6134169600L)), 8, List.of(gpu(0), gpu(1)), 2, "one\nline"), REGISTER);
        roundTrips(new RegisterRequest("vm", 2, 1L << 30, "http://127.0.0.1:18001", null, null), REGISTER);
        roundTrips(new HeartbeatRequest(List.of(1L, 2L), List.of(new KilledTask(3L, "oom")), 83.7, 3.5, 578461696L,
                25276502016L, List.of(4L), List.of(gpu(0)), null, 12), HEARTBEAT);
        roundTrips(new HeartbeatRequest(List.of(), List.of(), null, null, null, null, null), HEARTBEAT);
        roundTrips(new TaskControlRequest(42L, TaskNames.scope(42)), CONTROL);
        roundTrips(new RunResult(430L, 200, Map.of("message", "Task accepted for launch", "task_id", 430L), null), RUN_RESULT);
        roundTrips(new RunResult(null, 422, Map.of("detail", "Expected a JSON object."), null), RUN_RESULT);
        roundTrips(new RunResult(7L, 429, Map.of("detail", "busy"), "1"), RUN_RESULT);
        roundTrips(new UpdateResult(9L, 404, "Task ID not recognized", null), UPDATE_RESULT);
        roundTrips(new UpdateResult(null, 422, null, List.of(Map.of("loc", List.of("body", "task_id"), "msg", "Field required", "type", "missing"))), UPDATE_RESULT);
    }

    @Test void theSenderSendsWhatTheOriginalSends() {
        // host -> runner /run: the original's twelve fields in its order, nulls present; ours after them
        JsonNode run = Json.tree(WireJson.write(new RunRequest(7531584720367255552L, "echo", List.of("hello"), Map.of(), 0,
                "/s/task_outputs/7531584720367255552.out", "/s/task_errors/7531584720367255552.err", null, null,
                "hakuriver/hakuriver-base:base", false, List.of(), "vm", List.of())));
        assertThat(names(run)).containsExactly("task_id", "command", "arguments", "env_vars",
                "required_cores", "stdout_path", "stderr_path", "required_memory_bytes", "target_numa_node_id",
                "docker_image_name", "docker_privileged", "docker_additional_mounts", "hostname", "required_gpus");
        assertThat(run.get("task_id").isIntegralNumber()).isTrue();
        assertThat(run.get("task_id").asText()).isEqualTo("7531584720367255552");
        assertThat(run.get("env_vars").isObject()).isTrue();
        assertThat(run.get("required_memory_bytes").isNull()).isTrue();
        assertThat(run.get("target_numa_node_id").isNull()).isTrue();
        // runner -> host /update: six fields, status as the original's word, naive local time, nulls present
        String started = Times.localNow();
        String update = WireJson.write(new UpdateRequest(7531584720367255552L, TaskStatus.COMPLETED, 0, null, null, started));
        assertThat(update).isEqualTo("{\"task_id\":7531584720367255552,\"status\":\"completed\",\"exit_code\":0,"
                + "\"message\":null,\"started_at\":null,\"completed_at\":\"" + started + "\"}");
        assertThat(started).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"); // no +00:00: a v0.1 Host cannot read it back
        // runner -> host /register and /heartbeat: the original's fields first, ints as ints
        JsonNode reg = Json.tree(WireJson.write(new RegisterRequest("vm", 2, 25276502016L, "http://127.0.0.1:18001",
                Map.of("0", new NumaNode(List.of(0, 1), 6134169600L)), 8)));
        assertThat(names(reg).subList(0, 5)).containsExactly("hostname", "total_cores",
                "total_ram_bytes", "runner_url", "numa_topology");
        assertThat(reg.get("numa_topology").get("0").toString()).isEqualTo("{\"cores\":[0,1],\"memory_bytes\":6134169600}");
        JsonNode hb = Json.tree(WireJson.write(new HeartbeatRequest(List.of(), List.of(new KilledTask(5L, "killed_by_host")),
                83.7, 3.5, 578461696L, 25276502016L, List.of())));
        assertThat(names(hb).subList(0, 6)).containsExactly("running_tasks", "killed_tasks",
                "cpu_percent", "memory_percent", "memory_used_bytes", "memory_total_bytes");
        assertThat(hb.get("killed_tasks").toString()).isEqualTo("[{\"task_id\":5,\"reason\":\"killed_by_host\"}]");
        assertThat(hb.get("cpu_percent").isDouble()).isTrue();
        // our result items: retry_after only when there is one, a task id that did not read stays as null
        assertThat(WireJson.write(new RunResult(null, 422, Map.of("detail", "x"), null))).isEqualTo("{\"task_id\":null,\"status\":422,\"body\":{\"detail\":\"x\"}}");
        assertThat(WireJson.write(new RunResult(1L, 429, Map.of("detail", "x"), "1"))).endsWith(",\"retry_after\":\"1\"}");
        assertThat(WireJson.write(new UpdateResult(1L, 200, "Task status updated successfully.", null)))
                .isEqualTo("{\"task_id\":1,\"status\":200,\"message\":\"Task status updated successfully.\"}");
        assertThat(WireJson.write(new UpdateRequest.Batch(List.of(new UpdateRequest(1L, TaskStatus.RUNNING, null, null, null, null)))))
                .startsWith("{\"updates\":[{\"task_id\":1,\"status\":\"running\"");
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ------------------------------------------------------------------ the original's bodies

    @Test void theOriginalsBodiesRead() {
        RegisterRequest reg = REGISTER.read(bytes("""
            {
              "hostname": "vm",
              "total_cores": 2,
              "total_ram_bytes": 25276502016,
              "runner_url": "http://127.0.0.1:18001",
              "numa_topology": {
                "0": {
                  "cores": [
                    0,
                    1
                  ],
                  "memory_bytes": 6134169600
                }
              }
            }"""));
        assertThat(reg).isEqualTo(new RegisterRequest("vm", 2, 25276502016L, "http://127.0.0.1:18001",
                Map.of("0", new NumaNode(List.of(0, 1), 6134169600L)), null));
        HeartbeatRequest hb = HEARTBEAT.read(bytes("""
            {
              "running_tasks": [],
              "killed_tasks": [
                {
                  "task_id": 7531584765040787456,
                  "reason": "killed_by_host"
                }
              ],
              "cpu_percent": 82.1,
              "memory_percent": 3.4,
              "memory_used_bytes": 561037312,
              "memory_total_bytes": 25276502016
            }"""));
        assertThat(hb.killedTasks()).containsExactly(new KilledTask(7531584765040787456L, "killed_by_host"));
        assertThat(hb.pausedTasks()).as("an original Runner reports no paused tasks").isNull();
        assertThat(hb.gpuInfo()).isNull();
        assertThat(HEARTBEAT.read(bytes("{\n  \"running_tasks\": []\n}")).runningTasksOrEmpty()).isEmpty();
        UpdateRequest pending = UPDATE.read(bytes("""
            {
              "task_id": 7531584720367255552,
              "status": "pending",
              "exit_code": null,
              "message": null,
              "started_at": "2026-11-26T05:08:47.456122",
              "completed_at": null
            }"""));
        assertThat(pending.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(pending.started()).isEqualTo(Times.parse("2026-11-26T05:08:47.456122"));
        UpdateRequest done = UPDATE.read(bytes("{\n  \"task_id\": 7531584720367255552,\n  \"status\": \"completed\",\n  \"exit_code\": 0,\n"
                + "  \"message\": null,\n  \"started_at\": null,\n  \"completed_at\": \"2026-11-26T05:08:48.432514\"\n}"));
        assertThat(done).isEqualTo(new UpdateRequest(7531584720367255552L, TaskStatus.COMPLETED, 0, null, null, "2026-11-26T05:08:48.432514"));
        assertThat(UPDATE.read(bytes("{\n  \"task_id\": 999,\n  \"status\": \"running\"\n}")).taskId()).isEqualTo(999L);
        for (String image : List.of("hakuriver/hakuriver-base:base", "hakuriver/None:base", "NULL")) {
            RunRequest r = RUN.read(bytes("""
                {
                  "task_id": 7531584875996905472,
                  "command": "echo",
                  "arguments": [
                    "hello"
                  ],
                  "env_vars": {},
                  "required_cores": 0,
                  "stdout_path": "peer/shared/task_outputs/7531584875996905472.out",
                  "stderr_path": "peer/shared/task_errors/7531584875996905472.err",
                  "required_memory_bytes": null,
                  "target_numa_node_id": null,
                  "docker_image_name": "%s",
                  "docker_privileged": false,
                  "docker_additional_mounts": []
                }""".formatted(image)));
            assertThat(r.taskId()).isEqualTo(7531584875996905472L);
            assertThat(r.arguments()).containsExactly("hello");
            assertThat(r.dockerImageName()).isEqualTo(image);
            assertThat(r.hostname()).as("the original Host does not say which node it means").isNull();
            assertThat(r.requiredGpus()).isEmpty();
        }
        TaskControlRequest kill = CONTROL.read(bytes("{\"task_id\": 7531584765040787456, \"unit_name\": \"hakuriver-task-7531584765040787456.scope\"}"));
        assertThat(kill.taskId()).isEqualTo(7531584765040787456L);
    }

    @Test void unknownFieldsAndTheOriginalsLooseFormsAreAccepted() {
        RunRequest r = RUN.read(bytes("{\"task_id\": \"42\", \"command\": \"true\", \"required_cores\": 2.0, \"env_vars\": [],"
                + " \"some_future_field\": {\"a\": [1, 2]}, \"arguments\": null}"));
        assertThat(r.taskId()).isEqualTo(42L);
        assertThat(r.requiredCores()).isEqualTo(2);
        assertThat(r.envVars()).as("the original stores an empty env as []").isEmpty();
        assertThat(r.arguments()).isEmpty();
        assertThat(r.dockerImageName()).isEmpty();
        // KohakuRiver-style GPU figures the driver cannot give: unknown, not an error
        HeartbeatRequest hb = HEARTBEAT.read(bytes("{\"gpu_info\": [{\"gpu_id\": 0, \"name\": \"A100\", \"memory_total_mib\": \"[N/A]\","
                + " \"temperature\": -3}], \"killed_tasks\": [{\"reason\": \"no id\"}, {\"task_id\": 4}]}"));
        assertThat(hb.gpuInfo().get(0).memoryTotalMib()).isEqualTo(GpuInfo.UNKNOWN);
        assertThat(hb.gpuInfo().get(0).temperature()).isEqualTo(GpuInfo.UNKNOWN);
        assertThat(hb.gpuInfo().get(0).uuid()).isEmpty();
        assertThat(hb.killedTasks()).as("an entry without task_id is skipped, as the original does").containsExactly(new KilledTask(4L, ""));
        assertThat(UPDATE.read(bytes("{\"task_id\": 1, \"status\": \"RUNNING\", \"started_at\": \"2026-11-26T05:09:00+00:00\"}")).status())
                .isEqualTo(TaskStatus.RUNNING);
    }

    // ------------------------------------------------------------------ bad input

    @Test void aWrongTypeNamesTheFieldAndTheOtherProblemsAreStillFound() {
        InvalidBody e = invalidRun("{\"task_id\": \"x\"}");
        assertThat(e.problems()).extracting(InvalidBody.Problem::field).containsExactly("task_id", "command");
        assertThat(e.detail()).isEqualTo("task_id: Input should be a valid integer; command: Field required");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": 7}").detail()).isEqualTo("command: Input should be a valid string");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"docker_privileged\": \"yes\"}").detail())
                .isEqualTo("docker_privileged: Input should be a valid boolean");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"arguments\": \"x\"}").detail()).isEqualTo("arguments: Input should be a valid list");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"arguments\": [[\"x\"]]}").detail()).isEqualTo("arguments[0]: Input should be a valid string");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"env_vars\": {\"A\": 1}}").detail()).isEqualTo("env_vars.A: Input should be a valid string");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"env_vars\": 5}").detail()).isEqualTo("env_vars: Input should be a valid dictionary");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\", \"required_cores\": 0.5}").detail())
                .isEqualTo("required_cores: Input should be a valid integer, got a number with a fractional part");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"cpu_percent\": \"x\", \"killed_tasks\": [7]}"))).detail())
                .isEqualTo("cpu_percent: Input should be a valid number; killed_tasks[0]: Input should be a JSON object");
        assertThat(invalid(() -> REGISTER.read(bytes("{\"hostname\": \"h\", \"total_cores\": 1, \"total_ram_bytes\": 1,"
                + " \"runner_url\": \"http://x:1\", \"numa_topology\": \"x\"}"))).detail()).isEqualTo("numa_topology: Input should be a valid dictionary");
        assertThat(invalid(() -> UPDATE.read(bytes("{\"task_id\": 1, \"status\": 5}"))).problems().get(0).field()).isEqualTo("status");
    }

    @Test void missingRequiredFieldsAreEachNamed() {
        assertThat(invalidRun("{}").detail()).isEqualTo("task_id: Field required; command: Field required");
        assertThat(invalid(() -> UPDATE.read(bytes("{}"))).detail()).isEqualTo("task_id: Field required; status: Field required");
        assertThat(invalid(() -> REGISTER.read(bytes("{}"))).problems()).extracting(InvalidBody.Problem::field)
                .containsExactly("hostname", "total_cores", "total_ram_bytes", "runner_url");
        assertThat(invalid(() -> REGISTER.read(bytes("{}"))).problems()).extracting(InvalidBody.Problem::type).containsOnly("missing");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"task_id\": 1, \"command\": \"c\", \"required_cores\": -1}                 | required_cores: required_cores must be between 0 and 100000 (got -1)",
            "{\"task_id\": 1, \"command\": \"c\", \"required_cores\": 1099511627776}      | required_cores: Input should be an integer between -2147483648 and 2147483647",
            "{\"task_id\": 0, \"command\": \"c\"}                                         | task_id: task_id must be between 1 and 9223372036854775807 (got 0)",
            "{\"task_id\": -1, \"command\": \"c\"}                                        | task_id: task_id must be between 1 and 9223372036854775807 (got -1)",
            "{\"task_id\": 9223372036854775808, \"command\": \"c\"}                       | task_id: Input should be an integer between -9223372036854775808 and 9223372036854775807",
            "{\"task_id\": 1e300, \"command\": \"c\"}                                     | task_id: Input should be an integer between -9223372036854775808 and 9223372036854775807",
            "{\"task_id\": \"99999999999999999999\", \"command\": \"c\"}                  | task_id: Input should be an integer between -9223372036854775808 and 9223372036854775807",
            "{\"task_id\": 1, \"command\": \"c\", \"required_memory_bytes\": -1}          | required_memory_bytes: required_memory_bytes must be between 0 and 1152921504606846976 (got -1)",
            "{\"task_id\": 1, \"command\": \"c\", \"target_numa_node_id\": 4097}           | target_numa_node_id: target_numa_node_id must be between 0 and 4096 (got 4097)",
            "{\"task_id\": 1, \"command\": \"c\", \"required_gpus\": [1024]}               | required_gpus: GPU ids are 0-1023 (got 1024)",
            "{\"task_id\": 1, \"command\": null}                                          | command: Field required",
            "{\"task_id\": 1, \"command\": \"c\", \"required_cores\": null}               | required_cores: Input should be a valid integer, not null",
            "{\"task_id\": 1, \"command\": \"c\", \"docker_privileged\": null}            | docker_privileged: Input should be a valid boolean, not null",
            "{\"task_id\": 1, \"command\": \"c\", \"arguments\": [null]}                  | arguments: arguments must not contain null",
            "{\"task_id\": 1, \"command\": \"c\", \"env_vars\": {\"A\": null}}            | env_vars: env_vars must not contain null",
    })
    void numbersOutOfRangeAndNullsWhereNoneIsAllowedAreRefused(String body, String detail) {
        assertThat(invalidRun(body).detail()).isEqualTo(detail.strip());
    }

    @Test void everyBodyChecksItsOwnRanges() {
        assertThat(invalid(() -> UPDATE.read(bytes("{\"task_id\": 1, \"status\": \"pwned\"}"))).detail())
                .isEqualTo("status: Input should be one of pending, assigning, running, paused, completed, failed, killed, lost, killed_oom (got 'pwned')");
        assertThat(invalid(() -> UPDATE.read(bytes("{\"task_id\": 1, \"status\": \"completed\", \"exit_code\": 4294967296}"))).detail())
                .isEqualTo("exit_code: Input should be an integer between -2147483648 and 2147483647");
        assertThat(invalid(() -> UPDATE.read(bytes("{\"task_id\": 1, \"status\": \"completed\", \"started_at\": \"yesterday\"}"))).detail())
                .startsWith("started_at: started_at must be an ISO-8601 time");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"running_tasks\": [1, 9999999999999999999]}"))).detail())
                .isEqualTo("running_tasks[1]: Input should be an integer between -9223372036854775808 and 9223372036854775807");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"running_tasks\": [-1]}"))).detail()).startsWith("running_tasks: running_tasks must be task ids");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"killed_tasks\": [{\"task_id\": -5}]}"))).detail())
                .isEqualTo("killed_tasks[0].task_id: killed_tasks[0].task_id must be between 1 and 9223372036854775807 (got -5)");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"cpu_percent\": 1e400}"))).detail()).isEqualTo("cpu_percent: Input should be a finite number");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"memory_percent\": 101}"))).detail()).isEqualTo("memory_percent: memory_percent must be between 0 and 100 (got 101.0)");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"memory_used_bytes\": -1}"))).problems().get(0).field()).isEqualTo("memory_used_bytes");
        assertThat(invalid(() -> HEARTBEAT.read(bytes("{\"gpu_info\": [{\"gpu_id\": 0}, {\"gpu_id\": 0}]}"))).detail())
                .isEqualTo("gpu_info: each GPU needs a distinct integer gpu_id between 0 and 1023");
        String reg = "{\"hostname\": \"%s\", \"total_cores\": %s, \"total_ram_bytes\": 1, \"runner_url\": \"%s\"%s}";
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("../evil", 1, "http://x:1", "")))).detail()).isEqualTo("hostname: Invalid hostname '../evil'");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", 1, "file:///etc/passwd", "")))).detail()).isEqualTo("runner_url: runner_url must be an http(s) URL");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", "1e300", "http://x:1", "")))).problems().get(0).field()).isEqualTo("total_cores");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", 1, "http://x:1", ", \"max_tasks\": 4294967296")))).problems().get(0).field()).isEqualTo("max_tasks");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", 1, "http://x:1", ", \"numa_topology\": {\"0\": {\"cores\": [-1], \"memory_bytes\": -1}}")))).detail())
                .isEqualTo("numa_topology.0.memory_bytes: numa_topology.0.memory_bytes must be between 0 and 1152921504606846976 (got -1); "
                        + "numa_topology.0.cores: numa_topology.0.cores must be integers between 0 and 100000");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", 1, "http://x:1", ", \"numa_topology\": {\"1099511627776\": {\"cores\": [0]}}")))).detail())
                .isEqualTo("numa_topology: NUMA node ids must be integers between 0 and 4096 (got '1099511627776')");
        assertThat(invalid(() -> REGISTER.read(bytes(reg.formatted("h", 1, "http://x:1", ", \"gpu_shares_per_gpu\": 0")))).problems().get(0).field()).isEqualTo("gpu_shares_per_gpu");
        assertThat(invalid(() -> CONTROL.read(bytes("{\"task_id\": -7}"))).problems().get(0).field()).isEqualTo("task_id");
        assertThat(invalid(() -> RUN_RESULT.read(bytes("{\"task_id\": 1, \"status\": 7}"))).problems().get(0).field()).isEqualTo("status");
    }

    @Test void aBodyThatIsNoObjectIsSaidSo() {
        assertThat(invalidRun("").detail()).isEqualTo("Request body is empty; expected a JSON object.");
        assertThat(invalidRun("  \n").problems().get(0).type()).isEqualTo("missing");
        assertThat(invalidRun("[]").detail()).isEqualTo("Expected a JSON object.");
        assertThat(invalidRun("null").detail()).isEqualTo("Expected a JSON object.");
        assertThat(invalidRun("\"x\"").detail()).isEqualTo("Expected a JSON object.");
        InvalidBody malformed = invalidRun("{\"task_id\": 1, \"command\": ");
        assertThat(malformed.detail()).startsWith("Malformed JSON: ").contains("line 1");
        assertThat(malformed.problems().get(0).type()).isEqualTo("json_invalid");
        assertThat(invalid(() -> RUN.read(parsed("[1]"))).detail()).isEqualTo("Expected a JSON object.");
        assertThat(invalid(() -> RUN.read(parsed("null"))).detail()).isEqualTo("Expected a JSON object.");
        assertThat(invalid(() -> RUN.read(WireJson.ABSENT)).detail()).isEqualTo("Request body is empty; expected a JSON object.");
        assertThatThrownBy(() -> WireReader.tree(bytes("{"))).isInstanceOf(InvalidBody.class).hasMessageStartingWith("Malformed JSON: ");
        assertThat(WireReader.tree(bytes("{\"updates\": []}")).get("updates")).isEqualTo(List.of());
    }

    @Test void hostileShapesAreRefusedInWordsNotByAStackOverflow() {
        String deep = "{\"task_id\": 1, \"command\": \"c\", \"env_vars\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        InvalidBody nested = invalidRun(deep);
        assertThat(nested.problems().get(0).type()).isIn("json_invalid", "dict_type");
        InvalidBody longNumber = invalidRun("{\"task_id\": " + "9".repeat(5_000) + ", \"command\": \"c\"}");
        assertThat(longNumber.problems().get(0).type()).isIn("json_invalid", "int_range");
        assertThat(invalidRun("{\"task_id\": 1, \"command\": \"c\"} trailing").detail()).as("a value, then text")
                .startsWith("Malformed JSON: ");
    }

    @Test void recordsBuiltInCodeAreCheckedToo() {
        assertThatThrownBy(() -> new RunRequest(0, "true", null, null, 0, null, null, null, null, "", false, null, null))
                .isInstanceOf(InvalidBody.class).hasMessageContaining("task_id");
        assertThatThrownBy(() -> new UpdateRequest(1L, null, null, null, null, null)).isInstanceOf(InvalidBody.class).hasMessage("status: Field required");
        assertThat(TaskStatus.fromWire("killed_oom")).isEqualTo(TaskStatus.KILLED_OOM);
        assertThat(Json.write(TaskStatus.KILLED_OOM)).isEqualTo("\"killed_oom\"");
        assertThat(WireJson.write(TaskStatus.KILLED_OOM)).isEqualTo("\"killed_oom\"");
    }
}
