package io.hakuriver.config;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The --config/-c option every command accepts (a picocli mixin). */
public class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "PATH",
            description = "Configuration file; layered over $HAKURIVER_CONFIG, ~/.hakuriver/config.toml and the defaults.")
    Path config;

    private HakuConfig loaded;

    public ConfigOption() {}

    /** For commands that declare their own (e.g. inherited) --config option. */
    public ConfigOption(Path config) { this.config = config; }

    public Path path() { return config; }

    public HakuConfig load() {
        if (loaded == null) loaded = ConfigLoader.standard().load(config);
        return loaded;
    }
}
