package org.fusioncds.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.InflightRepository;
import org.fusioncds.app.FusionCdsApp;

/**
 * The service's own Camel route timers ({@code camel.route.policy}, one per route, each including
 * the routes it calls), read before and after a call: the time the call spent in each route.
 */
final class RouteTimes {

  private static final String TIMER = "camel.route.policy";

  private final MeterRegistry registry;
  private final InflightRepository inflight;
  private final String context;

  RouteTimes(FusionCdsApp app) {
    this.registry = app.camelContext().getRegistry().findSingleByType(MeterRegistry.class);
    this.inflight = app.camelContext().getInflightRepository();
    this.context = app.camelContext().getName();
    if (registry == null) {
      throw new IllegalStateException("the service has no meter registry to read its routes from");
    }
  }

  /**
   * Route id → total ms so far, once no exchange is in flight (a write behind a card may still be
   * finishing when its report can be read); an exchange still in flight after 30 s fails the bench
   * rather than have its time counted against the next call.
   */
  Map<String, Double> now() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inflight.size() > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the service still has " + inflight.size() + " exchanges in flight after 30 s");
      }
      Thread.sleep(1); // a poll: Camel offers no wait for an empty inflight repository
    }
    Map<String, Double> total = new LinkedHashMap<>();
    for (Timer t :
        registry.find(TIMER).tag("eventType", "route").tag("camelContext", context).timers()) {
      total.merge(
          t.getId().getTag("routeId"), t.totalTime(TimeUnit.NANOSECONDS) / 1e6, Double::sum);
    }
    return total;
  }

  /**
   * The ms each route gained from {@code before} to {@code after}; routes that gained none left
   * out.
   */
  static Map<String, Double> spent(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> spent = new LinkedHashMap<>();
    after.forEach(
        (route, ms) -> {
          double d = ms - before.getOrDefault(route, 0.0);
          if (d > 0) {
            spent.put(route, d);
          }
        });
    return spent;
  }
}
