package io.hakuriver.cli;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.docker.DockerHostModule;
import io.hakuriver.docker.MountPolicy;
import io.hakuriver.host.HostServer;

import java.util.List;

/** The composition root of the Host: the core server plus the parts that live in packages above it. */
final class HostAssembly {
    private HostAssembly() {}

    static HostServer create(HakuConfig cfg) {
        return new HostServer(cfg, List.of(new DockerHostModule(cfg)), mounts -> MountPolicy.validate(mounts, cfg.docker()));
    }
}
