package org.fusioncds.sandbox;

import ca.uhn.fhir.cache.BaseResourceCacheSynchronizer;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.topic.ISubscriptionTopicLoader;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.VersionedReferences;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * An in-JVM HAPI FHIR JPA server (FHIR R4, HAPI 8.6.5) on an in-memory H2 database, served by Jetty
 * on 127.0.0.1 at {@code /fhir}: transactions, conditional create, versioned reads, search and
 * paging as a real HAPI server does them. For the demo and the tests only; every start has its own
 * empty database, dropped on {@link #close()}.
 *
 * <p>Starting takes 15–30 s and ~250 MB of heap; the JVM flags {@code -XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC} shorten it by about a third.
 */
public final class SandboxFhirServer implements AutoCloseable {

  /**
   * How to start the server.
   *
   * @param port the TCP port on 127.0.0.1; 0 for a free one
   * @param placeholderReferenceTargets create a placeholder for a reference to a resource that does
   *     not exist (also for a conditional reference such as {@code Practitioner?identifier=s|v},
   *     which then gets that identifier), as HAPI's {@code
   *     auto_create_placeholder_reference_targets} does; off, such a write is refused as by a
   *     strict server
   * @param databaseFolder where the H2 database lives in files; null: in memory
   * @param subscriptions match and deliver R4 rest-hook Subscriptions ({@link
   *     SandboxSubscriptionConfig}); off unless asked
   */
  public record Settings(
      int port, boolean placeholderReferenceTargets, Path databaseFolder, boolean subscriptions) {

    public Settings {
      if (port < 0 || port > 65535) {
        throw new SandboxException(
            ErrorCode.SANDBOX_PORT_OUT_OF_RANGE, "port out of range — " + port);
      }
    }

    /** The database in memory (on the heap of this JVM). */
    public Settings(int port, boolean placeholderReferenceTargets) {
      this(port, placeholderReferenceTargets, null, false);
    }

    /**
     * With R4 rest-hook Subscriptions matched and delivered ({@link SandboxSubscriptionConfig}).
     */
    public Settings withSubscriptions() {
      return new Settings(port, placeholderReferenceTargets, databaseFolder, true);
    }

    /**
     * The database in files under {@code folder} (H2 keeps a bounded cache on the heap): for runs
     * that measure the heap of the application beside the server, not the data it was sent.
     */
    public Settings onDisk(Path folder) {
      return new Settings(port, placeholderReferenceTargets, folder, subscriptions);
    }

    /**
     * An audit repository of its own: the AuditEvents name resources the FHIR server holds, which
     * it keeps as placeholders (searchable, so the compliance query finds a report's trail).
     */
    public static Settings auditRepository(int port) {
      return new Settings(port, true);
    }

    /** A free port, strict references. */
    public static Settings defaults() {
      return new Settings(0, false);
    }
  }

  /** The H2 database of one server. */
  record Database(String jdbcUrl) {}

  private static final Logger LOG = LoggerFactory.getLogger(SandboxFhirServer.class);

  private final Server jetty;
  private final AnnotationConfigApplicationContext spring;
  private final Database database;
  private final String baseUrl;
  private final RestfulServer restful;

  private SandboxFhirServer(
      Server jetty,
      AnnotationConfigApplicationContext spring,
      Database database,
      int port,
      RestfulServer restful) {
    this.jetty = jetty;
    this.spring = spring;
    this.database = database;
    this.baseUrl = "http://127.0.0.1:" + port + "/fhir";
    this.restful = restful;
  }

  /**
   * From now on every request must carry {@code Authorization: Bearer <token>} that {@code
   * acceptsToken} accepts (RFC 6750), as a protected FHIR server demands; others get 401. Returns
   * the check, which counts what it accepted and refused.
   */
  public BearerCheck requireBearer(java.util.function.Predicate<String> acceptsToken) {
    BearerCheck check = new BearerCheck(acceptsToken);
    restful.registerInterceptor(check);
    return check;
  }

  /** From now on every {@code _history} read is answered 405 (a server that serves no history). */
  public HistoryRefused refuseHistory() {
    HistoryRefused refusal = new HistoryRefused();
    restful.registerInterceptor(refusal);
    return refusal;
  }

  /** From now on, until {@link TransactionsRefused#end}, every transaction is answered 503. */
  public TransactionsRefused refuseTransactions() {
    TransactionsRefused refusal = new TransactionsRefused();
    restful.registerInterceptor(refusal);
    return refusal;
  }

  /**
   * From now on the next {@code n} transactions that write a resource of {@code type} about {@code
   * subject} ({@code Patient/x}, as the resource's {@code subject} names it) are committed and
   * answered 504 (their answer lost); the later ones, and all others, are answered as usual.
   */
  public TransactionAnswersLost loseTransactionAnswers(int n, String type, String subject) {
    TransactionAnswersLost loss = new TransactionAnswersLost(n, type, subject);
    restful.registerInterceptor(loss);
    return loss;
  }

  /**
   * From now on the next transaction that writes a resource of {@code type} about {@code subject}
   * ({@code Patient/x}) is preceded by {@code change}, given a copy of that transaction: someone
   * else's write between the writer's last read and its transaction.
   */
  public ChangeBeforeTransaction changeBeforeTransaction(
      String type, String subject, Consumer<Bundle> change) {
    ChangeBeforeTransaction before = new ChangeBeforeTransaction(type, subject, change);
    restful.registerInterceptor(before);
    return before;
  }

  /** Starts a server on a free port with strict references. */
  public static SandboxFhirServer start() {
    return start(Settings.defaults());
  }

  /** Starts a server on the given port (0: a free one) with strict references. */
  public static SandboxFhirServer start(int port) {
    return start(new Settings(port, false));
  }

  /** Starts a server; a failure stops whatever had started and throws FCDS-8002. */
  public static SandboxFhirServer start(Settings settings) {
    long t0 = System.nanoTime();
    Database db =
        new Database(
            settings.databaseFolder() == null
                ? "jdbc:h2:mem:fcds-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1"
                : "jdbc:h2:file:"
                    + settings
                        .databaseFolder()
                        .toAbsolutePath()
                        .resolve("fhir-" + UUID.randomUUID())
                    + ";DB_CLOSE_DELAY=-1");
    AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
    Server jetty = null;
    try {
      spring.getBeanFactory().registerSingleton("sandboxSettings", settings);
      spring.getBeanFactory().registerSingleton("sandboxDatabase", db);
      spring.register(SandboxFhirConfig.class);
      if (settings.subscriptions()) {
        spring.register(SandboxSubscriptionConfig.class);
      }
      spring.refresh();
      RestfulServer restful = restfulServer(spring);
      jetty = jetty(settings.port(), restful);
      jetty.start();
      int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
      if (settings.subscriptions()) {
        publishTopics(spring);
      }
      LOG.info("sandbox FHIR server on port {} in {} ms", port, (System.nanoTime() - t0) / 1000000);
      return new SandboxFhirServer(jetty, spring, db, port, restful);
    } catch (Exception | LinkageError e) {
      stopQuietly(jetty, spring, db);
      throw new SandboxException(
          ErrorCode.SANDBOX_FHIR_NOT_STARTED,
          "sandbox FHIR server did not start — " + e.getMessage(),
          e);
    }
  }

  /** The FHIR base URL, for example {@code http://127.0.0.1:43111/fhir}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The FHIR context (R4) the server uses. */
  public FhirContext fhirContext() {
    return spring.getBean(FhirContext.class);
  }

  /**
   * Loads the published SubscriptionTopics and the active R4 Subscriptions (criteria- and
   * topic-based) into HAPI's registries, so that a Subscription just created matches from now on
   * (the sandbox runs no scheduler, which would do it within a minute); returns how many
   * Subscriptions are registered.
   */
  public int refreshSubscriptions() {
    ((BaseResourceCacheSynchronizer) spring.getBean(ISubscriptionTopicLoader.class))
        .doSyncResourcesForUnitTest();
    spring.getBean(SubscriptionLoader.class).doSyncSubscriptionsForUnitTest();
    return spring.getBean(SubscriptionRegistry.class).size();
  }

  /** Stores the topics a client may subscribe to ({@link SandboxTopics}). */
  private static void publishTopics(AnnotationConfigApplicationContext spring) {
    IFhirResourceDao<Basic> basic = spring.getBean(DaoRegistry.class).getResourceDao(Basic.class);
    for (Basic topic : SandboxTopics.all()) {
      basic.update(topic, new SystemRequestDetails());
    }
  }

  /** Stops Jetty, then Spring, then drops the database. */
  @Override
  public void close() {
    stopQuietly(jetty, spring, database);
  }

  private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring) {
    FhirContext fhir = spring.getBean(FhirContext.class);
    // keep the versioned references an AI result's provenance depends on (HAPI strips by default)
    VersionedReferences.keptIn(fhir);
    RestfulServer rs = new RestfulServer(fhir);
    rs.registerProviders(
        spring.getBean("myResourceProvidersR4", ResourceProviderFactory.class).createProviders());
    rs.registerProvider(spring.getBean("mySystemProviderR4"));
    rs.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(
            rs,
            spring.getBean("mySystemDaoR4", IFhirSystemDao.class),
            spring.getBean(JpaStorageSettings.class),
            spring.getBean(ISearchParamRegistry.class),
            spring.getBean(IValidationSupport.class)));
    rs.setPagingProvider(spring.getBean(DatabaseBackedPagingProvider.class));
    rs.setDefaultResponseEncoding(EncodingEnum.JSON);
    return rs;
  }

  private static Server jetty(int port, RestfulServer rs) {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(rs), "/fhir/*");
    server.setHandler(context);
    return server;
  }

  private static void stopQuietly(
      Server jetty, AnnotationConfigApplicationContext spring, Database db) {
    try {
      if (jetty != null) {
        jetty.stop();
      }
    } catch (Exception e) {
      LOG.warn("sandbox FHIR server: Jetty did not stop cleanly: {}", e.toString());
    }
    try {
      spring.close();
    } catch (RuntimeException e) {
      LOG.warn("sandbox FHIR server: Spring did not close cleanly: {}", e.toString());
    }
    dropDatabase(db);
  }

  private static void dropDatabase(Database db) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "sa", "")) {
      c.createStatement().execute("SHUTDOWN");
    } catch (SQLException e) {
      LOG.warn("sandbox FHIR server: H2 did not shut down: {}", e.toString());
    }
  }
}
