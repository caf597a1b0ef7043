package io.hakuriver.docker;

import io.hakuriver.config.HakuConfig;
import io.hakuriver.host.HostModule;
import io.hakuriver.host.RouteRegistry;

/** Host-side Docker environment management (/docker/... routes, terminal). PLACEHOLDER owned by the Docker work. */
public class DockerHostModule implements HostModule {
    public DockerHostModule(HakuConfig config) {}
    @Override public void register(RouteRegistry routes) {}
}
