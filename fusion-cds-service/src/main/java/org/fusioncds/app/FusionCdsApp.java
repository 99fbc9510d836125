package org.fusioncds.app;

import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.util.ObjectHelper;
import org.fusioncds.config.FusionCdsConfiguration;
import org.fusioncds.config.SecurityConfiguration;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * The module as a running Camel Main application: routes from {@code routes/*.camel.yaml}, beans
 * from {@link FusionCdsConfiguration}, settings from {@code application.properties} with overrides
 * (environment, command line, or the map given here, for the demo and tests).
 */
public final class FusionCdsApp implements AutoCloseable {

  private final Main main;

  private FusionCdsApp(Main main) {
    this.main = main;
  }

  /**
   * Starts the application without blocking; {@code overrides} win over application.properties. A
   * setting refused with its own code (Camel wraps it in its bean errors) is thrown as it is.
   */
  public static FusionCdsApp start(Map<String, String> overrides) {
    Main main = configured(overrides);
    try {
      main.start();
    } catch (Exception e) {
      stopQuietly(main);
      FcdsException coded = ObjectHelper.getException(FcdsException.class, e);
      if (coded != null) {
        throw coded;
      }
      throw new FcdsException(
          ErrorCode.APP_NOT_STARTED, "the application did not start — " + e.getMessage(), e);
    }
    return new FusionCdsApp(main);
  }

  /** The namespaces of our settings (docs/ARCHITECTURE.md, "Configuration namespaces"). */
  static final java.util.List<String> NAMESPACES =
      java.util.List.of(
          "camel.",
          "edge.",
          "cds.",
          "fhir.",
          "dicomweb.",
          "models.",
          "inference.",
          "report.",
          "security.",
          "audit.",
          "evaluation.");

  /**
   * Settings given as JVM system properties ({@code -Dsecurity.mode=dev}) in our namespaces: they
   * win over application.properties and its environment placeholders, as overrides do.
   */
  public static Map<String, String> systemPropertyOverrides() {
    Map<String, String> overrides = new java.util.TreeMap<>();
    System.getProperties()
        .forEach(
            (k, v) -> {
              String key = k.toString();
              if (NAMESPACES.stream().anyMatch(key::startsWith)) {
                overrides.put(key, v.toString());
              }
            });
    return overrides;
  }

  /** Runs until the JVM is stopped (the {@code serve} command). */
  public static void run(Map<String, String> overrides) throws Exception {
    configured(overrides).run();
  }

  private static Main configured(Map<String, String> overrides) {
    // no package scan (new Main(Class) would scan org.fusioncds and make every configuration, and
    // so every bean, a second time): the configurations are named, security first
    Main main = new Main();
    main.configure().addConfiguration(SecurityConfiguration.class);
    main.configure().addConfiguration(FusionCdsConfiguration.class);
    Properties p = new Properties();
    // each process reads every evaluation outcome in a consumer group of its own
    String replica = System.getenv("FCDS_REPLICA_ID");
    p.put(
        "evaluation.replica-id",
        replica == null || replica.isBlank() ? UUID.randomUUID().toString() : replica);
    p.putAll(overrides);
    main.setOverrideProperties(p);
    return main;
  }

  public CamelContext camelContext() {
    return main.getCamelContext();
  }

  @Override
  public void close() {
    stopQuietly(main);
  }

  private static void stopQuietly(Main main) {
    try {
      main.stop();
    } catch (Exception ignored) {
      // stopping is best effort; the JVM may be ending
    }
  }
}
