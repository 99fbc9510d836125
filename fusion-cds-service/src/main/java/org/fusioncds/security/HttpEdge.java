package org.fusioncds.security;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.impl.VertxInternal;
import io.vertx.ext.web.Router;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The Vert.x instance under Camel platform-http, with the limits of {@link HttpEdgeLimits}. Camel
 * 4.18 exposes only the body size of its server ({@code camel.server.max-body-size}) and makes the
 * Vert.x {@link HttpServerOptions} itself; it takes the {@link Vertx} bean of the registry when
 * there is one ({@code VertxPlatformHttpServer.lookupVertx}). This is that bean: a Vert.x instance
 * whose {@code createHttpServer} applies the limits to the options and gives the server a
 * connection handler and a request handler in front of Camel's router ({@link EdgeWatch}, the
 * timeouts and the 413), and that router error handlers that answer with an OperationOutcome.
 * Everything else goes to the Vert.x instance unchanged.
 */
public final class HttpEdge {

  private HttpEdge() {}

  /**
   * A new Vert.x instance whose HTTP servers keep to {@code limits} and whose worker pool (where
   * platform-http runs the routes) has {@code limits.workerThreads()} threads; close it to release
   * it.
   */
  public static Vertx vertx(HttpEdgeLimits limits) {
    VertxInternal vertx =
        (VertxInternal) Vertx.vertx(new VertxOptions().setWorkerPoolSize(limits.workerThreads()));
    EdgeWatch watch = new EdgeWatch(vertx, limits);
    return (Vertx)
        Proxy.newProxyInstance(
            VertxInternal.class.getClassLoader(),
            new Class<?>[] {VertxInternal.class},
            (proxy, method, args) -> {
              if (method.getName().equals("createHttpServer")) {
                HttpServerOptions given =
                    args != null && args.length == 1 && args[0] instanceof HttpServerOptions o
                        ? new HttpServerOptions(o)
                        : new HttpServerOptions();
                return watched(vertx.createHttpServer(limits.applyTo(given)), watch);
              }
              if (method.getName().equals("close")) {
                watch.stop();
              }
              return call(vertx, method, args);
            });
  }

  /** The server, with the watch's connection handler and its request handler before Camel's. */
  @SuppressWarnings("unchecked")
  private static HttpServer watched(HttpServer server, EdgeWatch watch) {
    server.connectionHandler(watch::opened);
    server.invalidRequestHandler(watch::invalid);
    return (HttpServer)
        Proxy.newProxyInstance(
            HttpServer.class.getClassLoader(),
            new Class<?>[] {HttpServer.class},
            (proxy, method, args) -> {
              if (method.getName().equals("requestHandler") && args != null && args.length == 1) {
                Handler<HttpServerRequest> next = (Handler<HttpServerRequest>) args[0];
                if (next instanceof Router router) {
                  watch.answerFailures(router);
                }
                server.requestHandler(request -> watch.arrived(request, next));
                return proxy;
              }
              return call(server, method, args);
            });
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
