package io.hakuriver.systemd;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;

/**
 * A Jetty connector that serves on a socket systemd already bound for us (socket activation). With Javalin:
 * <pre>{@code
 * SocketActivation.listeningChannel().ifPresent(ch ->
 *     config.jetty.addConnector((server, http) -> JettyConnectors.connectorFor(server, http, ch)));
 * }</pre>
 * Javalin adds its own port connector only when no connector was added, so the configured port is then unused.
 */
public final class JettyConnectors {
    private JettyConnectors() {}

    public static ServerConnector connectorFor(Server server, HttpConfiguration http, ServerSocketChannel channel) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        try {
            // open(channel) adopts the bound socket; Jetty's own open() then skips binding.
            connector.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve on the socket passed by systemd: " + e.getMessage(), e);
        }
        return connector;
    }
}
