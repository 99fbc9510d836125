package org.fusioncds.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.fusioncds.app.FusionCdsApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code worker}: an evaluation worker. Consumes evaluation jobs from Kafka in the workers'
 * consumer group ({@code evaluation.kafka.group}), evaluates each as a hook would (recall, gather,
 * assemble, infer micro-batched, write-back) with the module's own FHIR token, publishes its
 * outcome and commits it; answers no hooks (the CDS Hooks and admin routes are not loaded; the
 * management port serves /health and /metrics). Every other setting as {@code serve}:
 * application.properties, the environment, -D.
 */
@Command(
    name = "worker",
    description =
        "Evaluate queued evaluation jobs from Kafka until stopped (one of a consumer group).")
public final class WorkerCommand implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: evaluation.kafka.bootstrap)")
  String bootstrap;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "jobs evaluated at once (Kafka consumers; default: evaluation.concurrency)")
  Integer concurrency;

  @Override
  public Integer call() throws Exception {
    FusionCdsApp.run(settings(FusionCdsApp.systemPropertyOverrides()));
    return 0;
  }

  /** What makes a process a worker, over the given settings. */
  Map<String, String> settings(Map<String, String> given) {
    Map<String, String> s = new TreeMap<>(given);
    s.putAll(workerSettings());
    if (bootstrap != null) {
      s.put("evaluation.kafka.bootstrap", bootstrap);
    }
    if (concurrency != null) {
      s.put("evaluation.concurrency", String.valueOf(concurrency));
    }
    return s;
  }

  /**
   * A worker: Kafka, jobs consumed, no outcomes read, and none of the routes an HTTP caller reaches
   * (hooks, admin, subscription notifications, the SMART app: Camel's exclude patterns match the
   * route files as {@code **}/name; a {@code classpath:} prefix matched nothing).
   */
  public static Map<String, String> workerSettings() {
    Map<String, String> s = new TreeMap<>();
    s.put("evaluation.transport", "kafka");
    s.put("evaluation.consume-jobs", "true");
    s.put("evaluation.await-outcomes", "false");
    s.put(
        "camel.main.routes-exclude-pattern",
        "**/cds-hooks.camel.yaml,**/admin.camel.yaml,**/subscriptions.camel.yaml,"
            + "**/smart-app.camel.yaml");
    s.put("camel.server.enabled", "false");
    return s;
  }
}
