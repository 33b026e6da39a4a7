// DynamoDB Local for this machine only. DynamoDB Local 1.25.1 has no option for the address
// it listens on: it builds its Jetty server with `new Server(port)`, which listens on every
// interface, so anyone on the network could read and write the tables whatever TCCC_AUTH
// says; and it answers any Host and any Origin (CORS `*` by default), so any web page could
// reach it through the browser. This launcher builds the server exactly as DynamoDB Local's
// own main does (ServerRunner.createServerFromCommandLineArgs: the same options), binds its
// connector to 127.0.0.1, puts in front of its handler a check that refuses (403) a Host
// other than this machine's and any request a browser sends on a page's behalf (Origin,
// Sec-Fetch-Site: the SDKs send neither), and starts it. The same rule as
// local-requests.cjs, for a server that has no pages of its own.
// Compiled once into the cache by scripts/dynamodb-local.mjs (javac), and run as
//   java -cp <its classes>:DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDbLocal <DynamoDB Local's options>
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.util.Set;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    int port = 0;
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
      port = ((ServerConnector) connector).getPort();
    }
    // By name only: a rebinding page arrives with its own name; a local forwarder (bench/capacity.mjs)
    // may pass on its own port.
    Set<String> hosts = Set.of("127.0.0.1", "localhost", "[::1]");
    HandlerWrapper guard =
        new HandlerWrapper() {
          @Override
          public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
              throws IOException, ServletException {
            String host = request.getHeader("Host");
            String name = host == null ? null : host.toLowerCase().replaceFirst(":\\d{1,5}$", "");
            boolean local = name != null && hosts.contains(name);
            if (!local || request.getHeader("Origin") != null || request.getHeader("Sec-Fetch-Site") != null) {
              base.setHandled(true);
              response.setStatus(403);
              return;
            }
            super.handle(target, base, request, response);
          }
        };
    guard.setHandler(server.getHandler());
    server.setHandler(guard);
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1:" + port + " only");
  }
}
