package io.hakuriver.cli;

import io.hakuriver.config.ConfigLoader;
import io.hakuriver.config.DefaultConfigFile;
import io.hakuriver.systemd.ScopeCommands;
import io.hakuriver.systemd.ServiceAccount;
import io.hakuriver.systemd.ServiceSetup;
import io.hakuriver.systemd.DockerUnit;
import io.hakuriver.systemd.UnitFiles;
import io.hakuriver.systemd.UnitFileGenerator;
import io.hakuriver.systemd.UnitFileGenerator.Role;
import io.hakuriver.systemd.UnixUsers;
import io.hakuriver.util.ExitCodes;
import io.hakuriver.util.RemoteError;
import io.hakuriver.util.UsageError;
import io.hakuriver.util.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code hakuriver.init [config|service]}: write the default config file, or generate systemd units. */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Write the default configuration (bare 'init' = 'init config') or generate systemd unit files.",
        subcommands = {InitCommand.ConfigCmd.class, InitCommand.ServiceCmd.class})
public class InitCommand implements Callable<Integer> {

    @Override public Integer call() throws IOException { return new ConfigCmd().call(); }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Write the default config.toml (never overwrites without --force).")
    static class ConfigCmd implements Callable<Integer> {
        @Option(names = "--path", paramLabel = "FILE", description = "Where to write (default: ~/.hakuriver/config.toml).")
        Path path;
        @Option(names = "--force", description = "Overwrite an existing file.")
        boolean force;

        @Override
        public Integer call() throws IOException {
            Path target = (path != null ? path : ConfigLoader.userConfigPath(ConfigLoader.home()))
                    .toAbsolutePath().normalize();
            if (Files.exists(target) && !force) {
                System.out.println("Configuration file " + target + " already exists; left unchanged (use --force to overwrite).");
                return ExitCodes.OK;
            }
            boolean existed = Files.exists(target);
            Files.createDirectories(target.getParent());
            Files.writeString(target, DefaultConfigFile.render(target.getParent()));
            // owner-only: it is where a [security] token goes, and tasks under runner_user run as other accounts
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            System.out.println((existed ? "Overwrote " : "Wrote ") + "default configuration to " + target
                    + " (mode 0600). Edit it (shared_dir: your shared filesystem, the same absolute path on every node; db_file; addresses),"
                    + " then start hakuriver.host / hakuriver.runner.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "service", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Generate systemd unit files for the Host and/or Runner into --output-dir (installed only with --install).")
    static class ServiceCmd implements Callable<Integer> {
        @Option(names = "--host", description = "Generate hakuriver-host.service.") boolean host;
        @Option(names = "--runner", description = "Generate hakuriver-runner.service.") boolean runner;
        @Option(names = "--all", description = "Generate both.") boolean all;
        @Option(names = "--template", description = "Also generate hakuriver-runner@.service (instance NAME uses runner-NAME.toml next to the runner config).")
        boolean template;
        @Option(names = "--config", paramLabel = "PATH", description = "Config file for both (default: ~/.hakuriver/config.toml).") Path config;
        @Option(names = "--host-config", paramLabel = "PATH", description = "Config file for the Host.") Path hostConfig;
        @Option(names = "--runner-config", paramLabel = "PATH", description = "Config file for the Runner.") Path runnerConfig;
        @Option(names = "--output-dir", paramLabel = "DIR", description = "Where to write the files (default: current directory).") Path outputDir;
        @Option(names = "--install", description = "Also copy the files to /etc/systemd/system and run 'systemctl daemon-reload' (needs root).") boolean install;
        @Option(names = "--socket", description = "Socket activation: also write hakuriver-host.socket (ListenStream=<host_port>); the Host becomes Type=notify.") boolean socket;
        @Option(names = "--notify", description = "Type=notify: systemd waits until the daemon reports READY=1.") boolean notify;
        @Option(names = "--watchdog", paramLabel = "SEC", description = "WatchdogSec=SEC: systemd restarts a daemon that stops reporting it is alive.") Integer watchdog;
        @Option(names = "--env-file", paramLabel = "PATH", description = "EnvironmentFile=PATH (e.g. HAKURIVER_TOKEN=...).") Path envFile;
        @Option(names = "--harden", description = "ProtectSystem=strict, ProtectHome=read-only, PrivateTmp=true, NoNewPrivileges=true, ReadWritePaths= for the data directories.") boolean harden;
        @Option(names = "--docker", description = {"Runner: After= and Wants=docker.service (not Requires=, which keeps the Runner from starting",
                "at all on a node where Docker is missing or failed; plain-process tasks need no Docker)."}) boolean docker;
        @Option(names = "--user", paramLabel = "ACCOUNT", description = {"User=/Group= of the units (default: the invoking user; under sudo",
                "the user who ran sudo, $SUDO_USER, not root). --user root runs the daemons as root."}) String user;
        @Option(names = "--cpu-quota", paramLabel = "PCT", description = "CPUQuota= of the daemon itself, e.g. 200%% (100%% = one CPU).") String cpuQuota;
        @Option(names = "--memory-max", paramLabel = "SIZE", description = "MemoryMax= of the daemon itself, e.g. 4G.") String memoryMax;
        @Option(names = "--force", description = {"Replace unit files that were edited or written by hand (a backup NAME.bak-DATE is kept).",
                "Our own earlier, unedited output is replaced without it."}) boolean force;
        @Option(names = "--java", paramLabel = "PATH", description = "java executable for ExecStart (default: the one running this command).") Path java;
        @Option(names = "--jar", paramLabel = "PATH", description = "hakuriver.jar for ExecStart (default: the jar running this command).") Path jar;

        @Override
        public Integer call() throws Exception {
            if (!host && !runner && !all && !template) {
                throw new UsageError("say which unit files to generate: --host, --runner or --all (see 'hakuriver.init service --help')");
            }
            if (install && !UnixUsers.isRoot()) {
                throw new UsageError("--install copies to /etc/systemd/system and needs root: run it with sudo, or leave out"
                        + " --install and copy the files yourself as printed.");
            }
            Path out = (outputDir != null ? outputDir : Path.of("")).toAbsolutePath().normalize();
            Files.createDirectories(out);
            ServiceSetup.Flags flags = new ServiceSetup.Flags(socket, notify, watchdog,
                    envFile == null ? null : envFile.toAbsolutePath().normalize(), harden, docker, cpuQuota, memoryMax);
            ServiceSetup.Invoker inv = invoker();
            Path defaultCfg = ConfigLoader.userConfigPath(inv.home());

            Map<String, String> files = new LinkedHashMap<>();
            List<String> warnings = new ArrayList<>();
            List<String> steps = new ArrayList<>();
            String runnerUser = null;
            String taskUser = "";
            try {
                if (host || all) {
                    var r = ServiceSetup.prepare(Role.HOST, pick(hostConfig, defaultCfg), flags, inv);
                    warnings.addAll(r.warnings());
                    files.put(UnitFileGenerator.HOST_SERVICE, UnitFileGenerator.hostService(r.options()));
                    if (docker && !(runner || all || template)) warnings.add("--docker applies to the Runner unit only.");
                    if (socket) files.put(UnitFileGenerator.HOST_SOCKET, UnitFileGenerator.hostSocket(r.options()));
                    steps.add(socket ? "sudo systemctl enable --now hakuriver-host.socket      # the Host starts on the first connection"
                            : "sudo systemctl enable --now hakuriver-host.service");
                    steps.add("sudo systemctl status hakuriver-host.service");
                    steps.add("sudo journalctl -u hakuriver-host.service -f");
                }
                if (runner || all || template) {
                    var r = ServiceSetup.prepare(Role.RUNNER, pick(runnerConfig, defaultCfg), flags, inv);
                    warnings.addAll(r.warnings());
                    runnerUser = r.options().user();
                    taskUser = r.config().environment().runnerUser();
                    if (runner || all) {
                        files.put(UnitFileGenerator.RUNNER_SERVICE, UnitFileGenerator.runnerService(r.options()));
                        steps.add("sudo systemctl enable --now hakuriver-runner.service");
                        steps.add("sudo systemctl status hakuriver-runner.service");
                        steps.add("sudo journalctl -u hakuriver-runner.service -f");
                    }
                    if (template) {
                        files.put(UnitFileGenerator.RUNNER_TEMPLATE, UnitFileGenerator.runnerTemplate(r.options()));
                        steps.add("sudo systemctl enable --now hakuriver-runner@NAME.service   # uses "
                                + r.options().config().getParent().resolve("runner-NAME.toml"));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }

            if (docker && (runner || all || template) && !DockerUnit.present()) {
                warnings.add("docker.service is not installed on this machine. The unit says Wants=docker.service, so the Runner"
                        + " still starts and runs plain-process/systemd tasks; with the guide's Requires=docker.service it would not"
                        + " start at all ('Unit docker.service not found'). Install Docker on this node, or leave out --docker.");
            }
            List<Path> written = new ArrayList<>();
            for (var f : files.entrySet()) written.add(write(out.resolve(f.getKey()), f.getValue()));
            for (String w : new java.util.LinkedHashSet<>(warnings)) System.err.println("Warning: " + w);

            if (install) {
                installUnits(files);
            } else {
                System.out.println();
                System.out.println("Review the file(s), then install and start them:");
                StringBuilder cp = new StringBuilder("  sudo cp");
                for (Path p : written) cp.append(' ').append(p);
                System.out.println(cp.append(" /etc/systemd/system/"));
                System.out.println("  sudo systemctl daemon-reload");
            }
            for (String s : steps) System.out.println("  " + s);
            if (runnerUser != null) printSudoers(runnerUser, taskUser);
            return ExitCodes.OK;
        }

        private Path out(String name) { return (outputDir != null ? outputDir : Path.of("")).toAbsolutePath().normalize().resolve(name); }

        private Path pick(Path roleConfig, Path defaultCfg) {
            return roleConfig != null ? roleConfig : config != null ? config : defaultCfg;
        }

        private ServiceSetup.Invoker invoker() {
            Path javaBin = java != null ? java.toAbsolutePath() : Path.of(System.getProperty("java.home"), "bin", "java");
            Path jarPath = jar != null ? jar.toAbsolutePath().normalize() : runningJar();
            ServiceAccount a;
            try {
                a = ServiceAccount.choose(user, UnixUsers.isRoot(), System.getenv("SUDO_USER"));
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            if (a.note() != null) System.out.println(a.note());
            return new ServiceSetup.Invoker(javaBin, jarPath, a.user(), a.group(), System.getenv("PATH"), a.home());
        }

        private static Path runningJar() {
            try {
                Path p = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
                if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) return p;
                throw new UsageError("cannot tell which hakuriver.jar to start (running from " + p + "): pass --jar /path/to/hakuriver.jar");
            } catch (java.net.URISyntaxException e) {
                throw new UsageError("cannot locate the running jar: pass --jar /path/to/hakuriver.jar");
            }
        }

        private Path write(Path target, String content) throws IOException {
            try {
                System.out.println(UnitFiles.describe(UnitFiles.write(target, content, force)));
            } catch (UnitFiles.EditedFileException e) {
                throw new UsageError(e.getMessage());
            }
            return target;
        }

        /** Into /etc/systemd/system with the same rule as --output-dir: an edited or hand-made unit only with --force. */
        private void installUnits(Map<String, String> files) throws IOException, InterruptedException {
            Path dir = Path.of("/etc/systemd/system");
            // check every file first, so a refusal leaves the installed set as it was (not half replaced)
            if (!force) {
                for (var f : files.entrySet()) {
                    Path t = dir.resolve(f.getKey());
                    if (Files.exists(t) && !UnitFiles.replaceableWithoutForce(Files.readString(t), f.getValue())) {
                        throw new UsageError(t + " exists and was edited or written by hand; nothing installed. Compare it with "
                                + out(f.getKey()) + ", then pass --force to replace it (a backup is kept next to it).");
                    }
                }
            }
            for (var f : files.entrySet()) System.out.println(UnitFiles.describe(UnitFiles.write(dir.resolve(f.getKey()), f.getValue(), force)));
            if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
                System.out.println("systemd is not running on this machine: run 'systemctl daemon-reload' where it is.");
                return;
            }
            Process p = new ProcessBuilder("systemctl", "daemon-reload").inheritIO().start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new RemoteError("'systemctl daemon-reload' failed; run it yourself and check its message");
            }
            System.out.println("Ran systemctl daemon-reload. Next:");
        }

        private static void printSudoers(String runnerAccount, String taskUser) {
            System.out.println();
            if (runnerAccount.equals("root")) {
                if (taskUser.isBlank()) {
                    System.out.println("The Runner runs as root, so its systemd task backend needs no sudo. Set environment.runner_user");
                    System.out.println("in the Runner's config to the account tasks should run as (root tasks are refused by default).");
                } else {
                    System.out.println("The Runner runs as root, so its systemd task backend needs no sudo; tasks run as '" + taskUser + "'.");
                }
                System.out.println("If you later run the Runner as another account, add with visudo:");
                runnerAccount = "<runner account>";
            } else {
                System.out.println("--container NULL tasks use systemd-run; the Runner account '" + runnerAccount + "' needs these sudoers lines");
                System.out.println("(sudo visudo -f /etc/sudoers.d/hakuriver). They cover exactly the commands the Runner runs:");
            }
            for (String l : ScopeCommands.sudoersLines(runnerAccount)) System.out.println("  " + l);
        }
    }
}
