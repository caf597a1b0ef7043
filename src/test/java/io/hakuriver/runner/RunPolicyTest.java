package io.hakuriver.runner;

import io.hakuriver.api.NumaNode;
import io.hakuriver.api.RunRequest;
import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.HakuConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RunPolicyTest {
    @TempDir Path tmp;

    private RunPolicy policy(String toml, boolean root) {
        HakuConfig cfg = new ConfigLoader(tmp, Map.of(), w -> { }).loadText("[runner]\nname = \"n1\"\n" + toml, tmp.resolve("r.toml"));
        return new RunPolicy(cfg, root, 4, 8L << 30, () -> Map.of("0", new NumaNode(List.of(0, 1), 4L << 30)));
    }

    private static RunRequest run(int cores, Long mem, Integer numa, String image, boolean priv, List<String> mounts) {
        return new RunRequest(1, "true", List.of(), Map.of(), cores, null, null, mem, numa, image, priv, mounts, null);
    }

    private static RunRequest plain() { return run(1, null, null, "", false, List.of()); }

    @Test void privilegedContainersOnlyWhenThisNodeAllowsThem() {
        RunRequest priv = run(0, null, null, "hakuriver/x:base", true, List.of());
        assertThat(policy("", false).refusal(priv)).contains("Privileged").contains("n1").contains("allow_privileged = false");
        assertThat(policy("[docker]\nallow_privileged = true\n", false).refusal(priv)).isNull();
        assertThat(policy("[docker]\ntasks_privileged = true\n", false).refusal(priv)).as("the node's own default").isNull();
        assertThat(policy("", false).refusal(run(0, null, null, "hakuriver/x:base", false, List.of()))).isNull();
    }

    @Test void mountsFollowThisNodesPolicy() {
        RunPolicy p = policy("[docker]\nallowed_mount_prefixes = [\"/data\"]\n", false);
        assertThat(p.refusal(run(0, null, null, "hakuriver/x:base", false, List.of("/data/a:/a")))).isNull();
        assertThat(p.refusal(run(0, null, null, "hakuriver/x:base", false, List.of("/srv:/a")))).contains("allowed_mount_prefixes");
        assertThat(policy("", false).refusal(run(0, null, null, "hakuriver/x:base", false, List.of("/:/host")))).contains("allow_dangerous_mounts");
    }

    @Test void rootPolicyForTasksWithoutAContainer() {
        assertThat(policy("", true).refusal(plain())).startsWith("Refusing to run tasks as root").contains("runner_user");
        assertThat(policy("allow_root_tasks = true\n", true).refusal(plain())).isNull();
        assertThat(policy("[environment]\nrunner_user = \"nobody\"\n", true).refusal(plain())).isNull();
        assertThat(policy("[environment]\nrunner_user = \"no-such-account-x\"\n", true).refusal(plain())).contains("not an account");
        assertThat(policy("", false).refusal(plain())).as("a non-root Runner runs tasks as itself").isNull();
    }

    @Test void theNodesCoresMemoryAndZonesBoundWhatItAccepts() {
        RunPolicy p = policy("", false);
        assertThat(p.refusal(run(4, 8L << 30, 0, "", false, List.of()))).isNull();
        assertThat(p.refusal(run(5, null, null, "", false, List.of()))).contains("required_cores 5").contains("4 cores");
        assertThat(p.refusal(run(1, (8L << 30) + 1, null, "", false, List.of()))).contains("required_memory_bytes");
        assertThat(p.refusal(run(1, null, 1, "", false, List.of()))).contains("target_numa_node_id 1").contains("[0]");
    }
}
