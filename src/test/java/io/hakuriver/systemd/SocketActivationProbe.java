package io.hakuriver.systemd;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import java.nio.channels.ServerSocketChannel;

/**
 * Child process of {@link SocketActivationTest}: takes the socket systemd-socket-activate passed (fd 3) and serves
 * HTTP on it through Jetty, answering with what it saw. Exits after the first request.
 */
public final class SocketActivationProbe {
    public static void main(String[] args) throws Exception {
        ServerSocketChannel ch = SocketActivation.listeningChannel().orElseThrow(() -> new IllegalStateException("no socket passed"));
        Server server = new Server();
        server.addConnector(JettyConnectors.connectorFor(server, new HttpConfiguration(), ch));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = "activated class=" + ch.getClass().getName() + " remote=" + Request.getRemoteAddr(request)
                        + " pid=" + ProcessHandle.current().pid() + "\n";
                Content.Sink.write(response, true, body, callback);
                new Thread(() -> { try { Thread.sleep(300); server.stop(); } catch (Exception ignored) { } }).start();
                return true;
            }
        });
        server.start();
        server.join();
    }
}
