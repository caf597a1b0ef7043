package io.hakuriver.systemd;

import java.nio.channels.ServerSocketChannel;
import java.util.Optional;

/**
 * The listening socket systemd passed us (fd 3 with LISTEN_FDS/LISTEN_PID, or fd 0 with StandardInput=socket).
 * PLACEHOLDER: owned by the systemd work; the signature is the contract HostServer/RunnerServer use.
 */
public final class SocketActivation {
    private SocketActivation() {}
    public static Optional<ServerSocketChannel> listeningChannel() { return Optional.empty(); }
}
