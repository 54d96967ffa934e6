package io.goldgate.flight;

import io.goldgate.access.TrustedProxies;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes each Flight call's client address known to the middleware that authenticates it.
 *
 * <p>Arrow runs server middleware in the outermost gRPC interceptor, which sees neither the call's
 * transport attributes nor anything an interceptor of ours could add (ours would run inside it).
 * A stream tracer comes earlier: gRPC lets it put a holder into the call's {@link Context} before
 * any interceptor runs, and hands it the call's attributes, the remote address among them, before
 * the first interceptor starts.
 */
final class ClientAddresses extends ServerStreamTracer.Factory {

  private static final Context.Key<AtomicReference<InetAddress>> KEY = Context.key("goldgate-client-address");

  private final TrustedProxies proxies;

  ClientAddresses(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    AtomicReference<InetAddress> holder = new AtomicReference<>();
    return new ServerStreamTracer() {
      @Override
      public Context filterContext(Context context) {
        return context.withValue(KEY, holder);
      }

      @Override
      public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
        holder.set(resolve(proxies, callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), headers));
      }
    };
  }

  /** The client address of the call being handled, or null when unknown. */
  static InetAddress current() {
    AtomicReference<InetAddress> holder = KEY.get();
    return holder == null ? null : holder.get();
  }

  /** The client of a call from the socket peer {@code remote} with the metadata {@code headers}; null when unknown. */
  static InetAddress resolve(TrustedProxies proxies, SocketAddress remote, Metadata headers) {
    InetAddress peer = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (peer == null) {
      return null;
    }
    Iterable<String> values = headers.getAll(Metadata.Key.of(proxies.header().headerName(), Metadata.ASCII_STRING_MARSHALLER));
    List<String> lines = new ArrayList<>();
    if (values != null) {
      values.forEach(lines::add);
    }
    return proxies.resolve(peer, lines);
  }
}
