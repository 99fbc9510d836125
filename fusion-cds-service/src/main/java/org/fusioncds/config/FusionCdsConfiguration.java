package org.fusioncds.config;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.fusioncds.admin.AdminEndpoints;
import org.fusioncds.assemble.AssembleStep;
import org.fusioncds.assemble.InputAssembler;
import org.fusioncds.audit.AuditShipper;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.audit.ComplianceQuery;
import org.fusioncds.cdshooks.CardStep;
import org.fusioncds.cdshooks.CardSteps;
import org.fusioncds.cdshooks.CdsHooksEndpoints;
import org.fusioncds.cdshooks.CdsService;
import org.fusioncds.cdshooks.DeadLetters;
import org.fusioncds.cdshooks.FeedbackStore;
import org.fusioncds.cdshooks.PendingReports;
import org.fusioncds.cdshooks.RequestLimits;
import org.fusioncds.dicom.web.DicomWebClient;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.fhir.GatherJoin;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.fhir.GatherSteps;
import org.fusioncds.fhir.SideBySide;
import org.fusioncds.fhir.VersionedReferences;
import org.fusioncds.flow.PerModel;
import org.fusioncds.imaging.ImageStep;
import org.fusioncds.imaging.SeriesGather;
import org.fusioncds.inference.Batching;
import org.fusioncds.inference.InferenceSettings;
import org.fusioncds.inference.InferenceStep;
import org.fusioncds.inference.ModelRegistry;
import org.fusioncds.jobs.HookJobs;
import org.fusioncds.jobs.WorkerStep;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.ModelCards;
import org.fusioncds.model.StudySelector;
import org.fusioncds.observe.OutboundCalls;
import org.fusioncds.observe.Readiness;
import org.fusioncds.observe.ReadinessChecks;
import org.fusioncds.observe.ServiceMetrics;
import org.fusioncds.recall.ChangeFeed;
import org.fusioncds.recall.ChangeFeeds;
import org.fusioncds.recall.RecallStep;
import org.fusioncds.recall.RecallSteps;
import org.fusioncds.recall.RecentResults;
import org.fusioncds.report.ModelCardDocument;
import org.fusioncds.report.ReportStep;
import org.fusioncds.report.ReportSteps;
import org.fusioncds.report.ReviewWriter;
import org.fusioncds.report.TransactionRetry;
import org.fusioncds.report.monitor.ModelMonitor;
import org.fusioncds.report.monitor.ModelMonitors;
import org.fusioncds.security.FhirHttpClients;
import org.fusioncds.security.OutboundUrlPolicy;
import org.fusioncds.security.ServiceTokens;
import org.fusioncds.subscription.NotificationSecret;
import org.fusioncds.subscription.SubscriptionNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beans the routes call, made once from settings: {@code cds.*} (service, time budget), {@code
 * fhir.*}, {@code dicomweb.*}, {@code models.*}, {@code inference.*}, {@code report.*}, {@code
 * audit.*}. Timeouts ({@code *-timeout-ms}) and retries ({@code *.retry.*}) are settings too; the
 * defaults here are the ones {@code application.properties} documents.
 */
public class FusionCdsConfiguration implements CamelConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(FusionCdsConfiguration.class);

  @PropertyInject("cds.service.id")
  String serviceId;

  @PropertyInject("cds.service.title")
  String serviceTitle;

  @PropertyInject("cds.service.description")
  String serviceDescription;

  @PropertyInject(value = "cds.recall.max-entries", defaultValue = "10000")
  long recallMaxEntries;

  @PropertyInject(value = "cds.recall.max-age-s", defaultValue = "86400")
  long recallMaxAgeSeconds;

  @PropertyInject(value = "cds.recall.feed.enabled", defaultValue = "true")
  boolean recallFeedEnabled;

  @PropertyInject(value = "cds.recall.feed.overlap-ms", defaultValue = "10000")
  long recallFeedOverlapMs;

  @PropertyInject(value = "cds.recall.feed.page-size", defaultValue = "1000")
  int recallFeedPageSize;

  @PropertyInject(value = "cds.recall.feed.max-pages", defaultValue = "20")
  int recallFeedMaxPages;

  @PropertyInject(value = "cds.recall.feed.wait-ms", defaultValue = "1000")
  long recallFeedWaitMs;

  @PropertyInject(value = "cds.recall.feed.gather-ms", defaultValue = "20")
  long recallFeedGatherMs;

  @PropertyInject(value = "cds.time-budget-ms", defaultValue = "2000")
  long timeBudgetMs;

  @PropertyInject(value = "cds.request.max-body-bytes", defaultValue = "2097152")
  int requestMaxBodyBytes;

  @PropertyInject(value = "cds.request.max-depth", defaultValue = "64")
  int requestMaxDepth;

  @PropertyInject(value = "cds.request.max-string-length", defaultValue = "1048576")
  int requestMaxStringLength;

  @PropertyInject(value = "cds.request.max-array-length", defaultValue = "10000")
  int requestMaxArrayLength;

  @PropertyInject(value = "cds.public-base-url", defaultValue = "")
  String publicBaseUrl;

  @PropertyInject(value = "fhir.base-url", defaultValue = "")
  String fhirBaseUrl;

  @PropertyInject(value = "fhir.connect-timeout-ms", defaultValue = "5000")
  int fhirConnectTimeoutMs;

  @PropertyInject(value = "fhir.socket-timeout-ms", defaultValue = "20000")
  int fhirSocketTimeoutMs;

  @PropertyInject(value = "fhir.request-timeout-ms", defaultValue = "60000")
  long fhirRequestTimeoutMs;

  @PropertyInject(value = "fhir.max-response-bytes", defaultValue = "33554432")
  long fhirMaxResponseBytes;

  @PropertyInject(value = "fhir.pool.max-per-server", defaultValue = "64")
  int fhirPoolMaxPerServer;

  @PropertyInject(value = "fhir.pool.max-total", defaultValue = "128")
  int fhirPoolMaxTotal;

  @PropertyInject(value = "fhir.side-by-side-threads", defaultValue = "16")
  int fhirSideBySideThreads;

  /** Outbound answers by target, server and status (the meters read it). */
  private final OutboundCalls outbound = new OutboundCalls();

  @PropertyInject(value = "dicomweb.base-url", defaultValue = "")
  String dicomWebBaseUrl;

  @PropertyInject(value = "dicomweb.connect-timeout-ms", defaultValue = "5000")
  long dicomWebConnectTimeoutMs;

  @PropertyInject(value = "dicomweb.read-timeout-ms", defaultValue = "20000")
  long dicomWebReadTimeoutMs;

  @PropertyInject(value = "dicomweb.total-timeout-ms", defaultValue = "120000")
  long dicomWebTotalTimeoutMs;

  @PropertyInject(value = "dicomweb.retry.max-retries", defaultValue = "2")
  int dicomWebMaxRetries;

  @PropertyInject(value = "dicomweb.retry.backoff-ms", defaultValue = "100")
  long dicomWebBackoffMs;

  @PropertyInject(value = "dicomweb.retry.max-backoff-ms", defaultValue = "30000")
  long dicomWebMaxBackoffMs;

  @PropertyInject(value = "models.folder", defaultValue = "models")
  String modelsFolder;

  @PropertyInject(value = "models.model", defaultValue = "cap-fusion")
  String modelId;

  @PropertyInject(value = "models.additional", defaultValue = "")
  String additionalModels;

  @PropertyInject(value = "dicomweb.series.parallel-fetches", defaultValue = "4")
  int seriesParallelFetches;

  @PropertyInject(value = "dicomweb.series.read-ahead", defaultValue = "8")
  int seriesReadAhead;

  @PropertyInject(value = "dicomweb.series.max-instances", defaultValue = "2000")
  int seriesMaxInstances;

  @PropertyInject(value = "inference.device", defaultValue = "cpu")
  String device;

  @PropertyInject(value = "inference.threads", defaultValue = "1")
  int inferenceThreads;

  @PropertyInject(value = "inference.allow-spinning", defaultValue = "false")
  boolean inferenceSpinning;

  @PropertyInject(value = "inference.batch.max-size", defaultValue = "32")
  int batchMaxSize;

  @PropertyInject(value = "inference.batch.max-delay-us", defaultValue = "0")
  long batchMaxDelayMicros;

  @PropertyInject(value = "inference.batch.max-queue", defaultValue = "1024")
  int batchMaxQueue;

  @PropertyInject(value = "inference.batch.instances", defaultValue = "2")
  int batchInstances;

  @PropertyInject(value = "inference.await-timeout-ms", defaultValue = "300000")
  long inferenceAwaitTimeoutMs;

  @PropertyInject(value = "inference.explain.grid", defaultValue = "8")
  int explainGrid;

  @PropertyInject(value = "inference.ood.abstain", defaultValue = "true")
  boolean oodAbstain;

  @PropertyInject(value = "report.organization", defaultValue = "")
  String organization;

  @PropertyInject(value = "report.retry.max-attempts", defaultValue = "4")
  int reportMaxAttempts;

  @PropertyInject(value = "report.retry.backoff-ms", defaultValue = "75")
  long reportBackoffMs;

  @PropertyInject(value = "cds.feedback-folder", defaultValue = "data/feedback")
  String feedbackFolder;

  @PropertyInject(value = "cds.feedback.cards-kept", defaultValue = "100000")
  int feedbackCardsKept;

  @PropertyInject(value = "cds.card-timing", defaultValue = "before-report")
  String cardTiming;

  @PropertyInject(value = "cds.report-queue.size", defaultValue = "1000")
  int reportQueueSize;

  @PropertyInject(value = "cds.report-queue.writers", defaultValue = "2")
  int reportQueueWriters;

  @PropertyInject(value = "cds.dead-letter-folder", defaultValue = "data/dead-letters")
  String deadLetterFolder;

  @PropertyInject(value = "audit.fhir-base-url", defaultValue = "")
  String auditFhirBaseUrl;

  @PropertyInject(value = "audit.batch-size", defaultValue = "50")
  int auditBatchSize;

  @PropertyInject(value = "audit.interval-ms", defaultValue = "2000")
  long auditIntervalMs;

  @PropertyInject(value = "audit.give-way-ms", defaultValue = "5000")
  long auditGiveWayMs;

  @PropertyInject(value = "audit.retry.backoff-ms", defaultValue = "2000")
  long auditBackoffMs;

  @PropertyInject(value = "audit.retry.max-backoff-ms", defaultValue = "30000")
  long auditMaxBackoffMs;

  @BeanInject("auditTrail")
  AuditTrail auditTrail;

  @BeanInject("fhirServers")
  OutboundUrlPolicy fhirServers;

  @BeanInject("dicomWebServers")
  OutboundUrlPolicy dicomWebServers;

  @BeanInject("ehrLaunches")
  org.fusioncds.security.TokenVerifier ehrLaunches;

  @PropertyInject(value = "smart.auth-issuer", defaultValue = "")
  String smartIssuer;

  @PropertyInject(value = "security.mode", defaultValue = "production")
  String securityMode;

  @PropertyInject(value = "smart.client-id", defaultValue = "fusion-cds-app")
  String smartClientId;

  @PropertyInject(value = "smart.client-secret", defaultValue = "")
  String smartClientSecret;

  @PropertyInject(value = "smart.scope", defaultValue = "openid fhirUser launch patient/*.read")
  String smartScope;

  @PropertyInject(value = "smart.session-max-age-s", defaultValue = "1800")
  long smartSessionMaxAgeS;

  @PropertyInject(value = "smart.max-sessions", defaultValue = "10000")
  long smartMaxSessions;

  @BeanInject("serviceTokens")
  ServiceTokens serviceTokens;

  @BeanInject("auditSpool")
  AuditSpool auditSpool;

  private DeadLetters deadLetters;

  @BindToRegistry("deadLetters")
  public DeadLetters deadLetters() {
    if (deadLetters == null) {
      deadLetters = new DeadLetters(Path.of(deadLetterFolder));
    }
    return deadLetters;
  }

  private PendingReports pendingReports;

  /** The reports cards named before they were written (in the dead-letter folder). */
  @BindToRegistry("pendingReports")
  public PendingReports pendingReports() {
    if (pendingReports == null) {
      pendingReports = new PendingReports(Path.of(deadLetterFolder));
    }
    return pendingReports;
  }

  /** The module's API: the compliance query reads the FHIR server the reports go to. */
  @BindToRegistry("admin")
  public AdminEndpoints admin() {
    return new AdminEndpoints(
        () -> {
          if (fhirBaseUrl.isBlank()) {
            return null;
          }
          String audits = auditFhirBaseUrl.isBlank() ? fhirBaseUrl : auditFhirBaseUrl;
          return new ComplianceQuery(
              gateway().client(fhirBaseUrl, serviceTokens.orNull()),
              gateway().client(audits, serviceTokens.orNull()));
        },
        card(),
        auditSpool,
        deadLetters(),
        monitor());
  }

  @PropertyInject(value = "monitor.max-records", defaultValue = "100000")
  int monitorMaxRecords;

  private ModelMonitors monitor;

  /** The model owner's figures of each served model (report.monitor), fed by the feedback store. */
  private ModelMonitors monitor() {
    if (monitor == null) {
      monitor =
          new ModelMonitors(
              perModel(
                      c ->
                          ModelMonitor.forModel(
                              c, models().model(c.id()).folder(), monitorMaxRecords))
                  .all());
    }
    return monitor;
  }

  private ModelRegistry registry;
  private FeedbackStore feedbackStore;

  /**
   * The clinician's feedback on a result card, written to the report's FHIR server (on the {@code
   * fhirServers} allowlist) with the module's own token, every call audited.
   */
  private ReviewWriter reviews() {
    return new ReviewWriter(
        auditTrail,
        (base, audited) -> gateway().client(base, serviceTokens.orNull(), audited),
        base -> {
          try {
            fhirServers.check(base, "report server");
            return true;
          } catch (RuntimeException refused) {
            return false;
          }
        });
  }

  private FeedbackStore feedbackStore() {
    if (feedbackStore == null) {
      feedbackStore =
          new FeedbackStore(Path.of(feedbackFolder), monitor(), reviews(), feedbackCardsKept);
    }
    return feedbackStore;
  }

  @BindToRegistry("models")
  public ModelRegistry models() {
    if (registry == null) {
      registry =
          ModelRegistry.openAll(
              Path.of(modelsFolder),
              servedModelIds(),
              new InferenceSettings(
                  device,
                  inferenceThreads,
                  1,
                  new Batching(batchMaxSize, batchMaxDelayMicros, batchMaxQueue, batchInstances),
                  inferenceSpinning));
    }
    return registry;
  }

  /** The primary model's card ({@code models.model}). */
  private ModelCard card() {
    return models().model(modelId).card();
  }

  /**
   * The served models: {@code models.model} first (CDS service {@code cds.service.id}), then each
   * of {@code models.additional} (its own CDS service, whose id is the model id).
   */
  private List<String> servedModelIds() {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    ids.add(modelId);
    for (String id : additionalModels.split(",")) {
      if (!id.isBlank()) {
        ids.add(id.strip());
      }
    }
    return List.copyOf(ids);
  }

  /** One step per served model, made from its card; the CDS service of each model. */
  private <T> PerModel<T> perModel(java.util.function.Function<ModelCard, T> step) {
    Map<String, T> byModel = new LinkedHashMap<>();
    Map<String, String> byService = new LinkedHashMap<>();
    for (String id : servedModelIds()) {
      byModel.put(id, step.apply(models().model(id).card()));
      byService.put(id.equals(modelId) ? serviceId : id, id);
    }
    return new PerModel<>(byModel, byService);
  }

  @BindToRegistry("gatheredInputs")
  public GatherJoin gatheredInputs() {
    return new GatherJoin();
  }

  private PerModel<GatherStep> gatherSteps;

  /** The gather of each served model (its study rule and LOINC codes). */
  private PerModel<GatherStep> gatherSteps() {
    if (gatherSteps == null) {
      gatherSteps =
          perModel(
              c ->
                  new GatherStep(
                      gateway(),
                      fhirContext(),
                      c,
                      fhirBaseUrl,
                      new GatherStep.Outbound(
                          fhirServers, serviceTokens.orNull(), auditTrail, sideBySide())));
    }
    return gatherSteps;
  }

  private SideBySide sideBySide;

  /** The threads that make a hook's second FHIR read beside its first (closed with the context). */
  @BindToRegistry(value = "fhirSideBySide", destroyMethod = "close")
  public SideBySide sideBySide() {
    if (sideBySide == null) {
      sideBySide = new SideBySide(fhirSideBySideThreads);
    }
    return sideBySide;
  }

  /** The primary model's gather (workers' hooks and subscriptions, the FHIR connection). */
  private GatherStep gather() {
    return gatherSteps().primary();
  }

  /** The routes' {@code gather}: the case opened by the model of the hook's CDS service. */
  @BindToRegistry("gather")
  public GatherSteps gatherBean() {
    return new GatherSteps(gatherSteps());
  }

  private FhirGateway gateway;

  private FhirGateway gateway() {
    if (gateway == null) {
      gateway =
          new FhirGateway(fhirContext(), fhirConnectTimeoutMs, fhirSocketTimeoutMs, fhirServers);
      FhirHttpClients.configure(
          fhirContext(),
          fhirConnectTimeoutMs,
          fhirSocketTimeoutMs,
          fhirRequestTimeoutMs,
          fhirMaxResponseBytes,
          new FhirHttpClients.Pool(fhirPoolMaxPerServer, fhirPoolMaxTotal),
          (server, status) -> outbound.answered("fhir", server, status));
    }
    return gateway;
  }

  private static FhirContext fhirContext() {
    // the write-back and the audit trail name versions: never strip them when encoding
    return VersionedReferences.keptIn(FhirContext.forR4Cached());
  }

  /**
   * Sends the spooled AuditEvents to the audit repository ({@code audit.fhir-base-url}, else {@code
   * fhir.base-url}) with the service's own token; without either they wait in the spool.
   */
  @BindToRegistry(value = "auditShipper", initMethod = "start", destroyMethod = "close")
  public AuditShipper auditShipper() {
    if (auditShipper != null) {
      return auditShipper;
    }
    String base = auditFhirBaseUrl.isBlank() ? fhirBaseUrl : auditFhirBaseUrl;
    if (base.isBlank()) {
      LOG.warn(
          ErrorCode.AUDIT_NO_REPOSITORY.codeText()
              + ": no audit repository (audit.fhir-base-url, fhir.base-url): AuditEvents stay"
              + " in the spool until one is configured");
    }
    auditShipper =
        new AuditShipper(
            auditSpool,
            () -> base.isBlank() ? null : gateway().client(base, serviceTokens.orNull()),
            auditBatchSize,
            Duration.ofMillis(auditIntervalMs),
            AuditShipper.backoff(
                Duration.ofMillis(auditBackoffMs), Duration.ofMillis(auditMaxBackoffMs)),
            this::callsInFlight,
            Duration.ofMillis(auditGiveWayMs));
    return auditShipper;
  }

  private AuditShipper auditShipper;

  private volatile CallAuditPolicy callAudit;

  /** The calls the service is answering (the audit shipper gives way to them); 0 before start. */
  private int callsInFlight() {
    CallAuditPolicy calls = callAudit;
    if (calls == null && camel != null) {
      calls = camel.getRegistry().lookupByNameAndType("callAudit", CallAuditPolicy.class);
      callAudit = calls;
    }
    return calls == null ? 0 : calls.inFlight();
  }

  @BindToRegistry("images")
  public ImageStep images() {
    PerModel<ImageStep.Wanted> wanted =
        perModel(c -> new ImageStep.Wanted(new StudySelector(c.study()), c.volume() != null));
    boolean volumes = wanted.all().stream().anyMatch(ImageStep.Wanted::volume);
    return new ImageStep(
        wanted::model,
        volumes
            ? new SeriesGather(
                new SeriesGather.Settings(
                    seriesParallelFetches, seriesReadAhead, seriesMaxInstances))
            : null,
        dicomWebBaseUrl,
        serviceTokens.orNull(),
        new DicomWebClient.Settings(
            Duration.ofMillis(dicomWebConnectTimeoutMs),
            Duration.ofMillis(dicomWebReadTimeoutMs),
            dicomWebMaxRetries,
            Duration.ofMillis(dicomWebBackoffMs),
            Duration.ofMillis(dicomWebMaxBackoffMs),
            Duration.ofMillis(dicomWebTotalTimeoutMs),
            (server, status) -> outbound.answered("dicomweb", server, status)),
        new ImageStep.Guard(dicomWebServers, fhirServers, auditTrail));
  }

  @BindToRegistry("assembly")
  public AssembleStep assembly() {
    return new AssembleStep(perModel(InputAssembler::new).all());
  }

  @BindToRegistry("inference")
  public InferenceStep inference() {
    return new InferenceStep(
        models(),
        Duration.ofMillis(timeBudgetMs),
        Duration.ofMillis(inferenceAwaitTimeoutMs),
        explainGrid,
        oodAbstain);
  }

  private PerModel<ReportStep> reportSteps;

  /** The write-back of each served model (its report code, forms, Device and card document). */
  private PerModel<ReportStep> reportSteps() {
    if (reportSteps == null) {
      reportSteps =
          perModel(
              c ->
                  new ReportStep(
                      c,
                      ModelCardDocument.read(
                          c, models().model(c.id()).folder().resolve(ModelCards.FILE_NAME)),
                      organization,
                      auditTrail,
                      new TransactionRetry(reportMaxAttempts, Duration.ofMillis(reportBackoffMs))));
    }
    return reportSteps;
  }

  /** The routes' {@code reports}: the write-back of the job's model. */
  @BindToRegistry("reports")
  public ReportSteps reportsBean() {
    return new ReportSteps(reportSteps());
  }

  private RecallSteps recallSteps;

  /** The routes' {@code recall}: one bounded index per served model. */
  @BindToRegistry("recall")
  public RecallSteps recall() {
    if (recallSteps == null) {
      PerModel<GatherStep> gathers = gatherSteps();
      PerModel<ReportStep> writes = reportSteps();
      PerModel<RecallStep> steps =
          perModel(
              c ->
                  new RecallStep(
                      gathers.model(c.id()),
                      gateway(),
                      fhirContext(),
                      c,
                      writes.model(c.id()),
                      new RecentResults(recallMaxEntries, Duration.ofSeconds(recallMaxAgeSeconds)),
                      auditTrail,
                      changeFeeds()));
      recallSteps = new RecallSteps(steps);
    }
    return recallSteps;
  }

  private ChangeFeeds changeFeeds;

  /**
   * The change feed of each FHIR server hooks name (cds.recall.feed.*), read with the service's own
   * credentials; closed with the context.
   */
  @BindToRegistry(value = "changeFeeds", destroyMethod = "close")
  public ChangeFeeds changeFeeds() {
    if (changeFeeds == null) {
      changeFeeds =
          new ChangeFeeds(
              gateway(),
              base -> gateway().client(base, serviceTokens.orNull()),
              auditTrail,
              recallFeedEnabled
                  ? new ChangeFeed.Settings(
                      Duration.ofMillis(recallFeedOverlapMs),
                      recallFeedPageSize,
                      Duration.ofMillis(recallFeedWaitMs),
                      Duration.ofMillis(recallFeedGatherMs),
                      recallFeedMaxPages)
                  : null,
              this::callsInFlight);
    }
    return changeFeeds;
  }

  /**
   * Readiness of what a hook needs besides the key sets: the model, the audit journal, and each
   * configured upstream (the default FHIR server and PACS, the audit repository) over TCP.
   */
  @BindToRegistry("serviceReadiness")
  public Readiness serviceReadiness() {
    List<HealthCheck> checks = new ArrayList<>();
    checks.add(
        ReadinessChecks.model(
            () -> models().modelIds().containsAll(servedModelIds()),
            () ->
                Map.of("model", String.join(",", servedModelIds()), "device", models().device())));
    checks.add(ReadinessChecks.auditJournal(auditSpool.folder(), auditSpool::size));
    if (!fhirBaseUrl.isBlank()) {
      checks.add(ReadinessChecks.reachable("fhir-server", fhirBaseUrl, 1000));
    }
    if (!dicomWebBaseUrl.isBlank()) {
      checks.add(ReadinessChecks.reachable("pacs", dicomWebBaseUrl, 1000));
    }
    String audits = auditFhirBaseUrl.isBlank() ? fhirBaseUrl : auditFhirBaseUrl;
    if (!audits.isBlank()) {
      checks.add(ReadinessChecks.reachable("audit-repository", audits, 1000));
    }
    return new Readiness("fusion-cds", checks);
  }

  /**
   * When the context has started: every {@link Readiness} joins Camel's health checks (the
   * management port's {@code /health}), and the service's meters join Camel's registry ({@code
   * /metrics}).
   */
  @Override
  public void configure(CamelContext context) throws Exception {
    this.camel = context;
    context.addStartupListener(
        (ctx, alreadyStarted) -> {
          HealthCheckRegistry health = HealthCheckRegistry.get(ctx);
          if (health != null) {
            ctx.getRegistry().findByType(Readiness.class).forEach(health::register);
          }
          new ServiceMetrics(metricsSource()).onCamelContextStarted(ctx, alreadyStarted);
        });
    context.addStartupListener(
        new org.apache.camel.StartupListener() {
          @Override
          public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {}

          @Override
          public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
            // what a stopped process named in cards and did not write: evaluated again
            try (org.apache.camel.ProducerTemplate replay = ctx.createProducerTemplate()) {
              pendingReports()
                  .unwritten()
                  .forEach(p -> replay.sendBody("seda:replay-pending-reports", p));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        });
  }

  private ServiceMetrics.Source metricsSource() {
    return new ServiceMetrics.Source() {
      @Override
      public long recallHits() {
        return recall().hits();
      }

      @Override
      public long recallChanged() {
        return recall().changed();
      }

      @Override
      public long recallNothingRemembered() {
        return recall().nothingRemembered();
      }

      @Override
      public long recallEntries() {
        return recall().entries();
      }

      @Override
      public ServiceMetrics.Feeds feeds() {
        List<ChangeFeed> all = changeFeeds().all();
        return new ServiceMetrics.Feeds(
            all.stream().mapToLong(ChangeFeed::polls).sum(),
            all.stream().mapToLong(ChangeFeed::failures).sum(),
            all.stream().mapToLong(ChangeFeed::reported).sum(),
            all.stream().mapToLong(ChangeFeed::overflows).sum(),
            all.stream().mapToLong(ChangeFeed::late).sum(),
            (int) all.stream().filter(f -> !f.usable()).count());
      }

      @Override
      public int auditBacklog() {
        return auditSpool.size();
      }

      @Override
      public int reportsPending() {
        return pendingReports().size();
      }

      @Override
      public long auditShipped() {
        return auditShipper().sent();
      }

      @Override
      public OutboundCalls outbound() {
        return outbound;
      }

      @Override
      public List<ServiceMetrics.Figure> figures() {
        feedbackStore(); // the monitor has read the stored cards and feedback: versions known
        return monitor().gauges().stream()
            .map(g -> new ServiceMetrics.Figure(g.name(), g.description(), g.tags(), g.value()))
            .toList();
      }

      @Override
      public List<ServiceMetrics.Batcher> batchers() {
        return models().batchStats().stream()
            .map(
                b ->
                    new ServiceMetrics.Batcher(
                        b.model(), b.graph(), b.batches(), b.samples(), b.waiting()))
            .toList();
      }
    };
  }

  @PropertyInject(value = "evaluation.retry.max-retries", defaultValue = "6")
  int jobMaxRetries;

  /**
   * Set when Camel configures this class; the job queue's producer is made from it at first use.
   */
  private volatile CamelContext camel;

  private volatile ProducerTemplate jobProducer;

  /** The worker's side of evaluation jobs (route evaluation-jobs). */
  @BindToRegistry("worker")
  public WorkerStep worker() {
    return new WorkerStep(jobMaxRetries);
  }

  /**
   * The hook's side when workers evaluate: jobs go to {@code evaluation.<transport>.jobs-out},
   * keyed by patient (one patient's jobs stay in order, on one worker, whose recall index knows
   * them).
   */
  @BindToRegistry("hookJobs")
  public HookJobs hookJobs() {
    return new HookJobs(
        gatherSteps(),
        reportSteps(),
        perModel(c -> c),
        Duration.ofMillis(timeBudgetMs),
        job -> queueJob(job.toJson(), job.patientId()));
  }

  /**
   * How every trigger (a hook whose workers evaluate, a FHIR Subscription notification) queues a
   * job: to {@code evaluation.<transport>.jobs-out}, keyed by patient (one patient's jobs stay in
   * order, on one worker, whose recall index knows them).
   */
  private void queueJob(String jobJson, String patientId) {
    jobs().sendBodyAndHeader(jobJson, KafkaConstants.KEY, patientId);
  }

  @PropertyInject(value = "subscription.secret", defaultValue = "")
  String subscriptionSecret;

  @PropertyInject(value = "subscription.secret-header", defaultValue = "X-Fcds-Subscription-Secret")
  String subscriptionSecretHeader;

  @PropertyInject(value = "subscription.catch-up-overlap-ms", defaultValue = "60000")
  long subscriptionOverlapMs;

  /** FHIR Subscription notifications become jobs (routes/subscriptions, section 9e). */
  @BindToRegistry("subscriptionNotifications")
  public SubscriptionNotifications subscriptionNotifications() {
    return new SubscriptionNotifications(
        fhirContext(),
        gather(),
        perModel(org.fusioncds.subscription.ModelInterest::of).all(),
        job -> queueJob(job.toJson(), job.patientId()),
        Duration.ofMillis(subscriptionOverlapMs));
  }

  /** The shared secret a subscription notification must carry. */
  @BindToRegistry("subscriptionSenders")
  public NotificationSecret subscriptionSenders() {
    return new NotificationSecret(subscriptionSecretHeader, subscriptionSecret);
  }

  private ProducerTemplate jobs() {
    ProducerTemplate p = jobProducer;
    if (p == null) {
      synchronized (this) {
        if (jobProducer == null) {
          ProducerTemplate t = camel.createProducerTemplate();
          t.setDefaultEndpointUri(
              camel.resolvePropertyPlaceholders(
                  "{{evaluation.{{evaluation.transport}}.jobs-out}}"));
          jobProducer = t;
        }
        p = jobProducer;
      }
    }
    return p;
  }

  /** The routes' {@code cards}: the card wording of the job's model. */
  @BindToRegistry("cards")
  public CardSteps cards() {
    // the routes read cds.card-timing as text: checked here, when the service starts
    org.fusioncds.cdshooks.CardTiming.of(cardTiming, reportQueueSize, reportQueueWriters);
    PerModel<ReportStep> writes = reportSteps();
    return new CardSteps(
        perModel(
            c -> {
              CardStep step =
                  new CardStep(
                      c,
                      writes.model(c.id()),
                      publicBaseUrl + "/models/" + c.id() + "/model-card",
                      feedbackStore());
              // the SMART app shows the report of every served model (section 9f)
              return step.withAppLaunch(smartSettings().launchUrl());
            }));
  }

  private org.fusioncds.smart.SmartSettings smartSettings() {
    boolean dev = SecurityConfiguration.dev(securityMode);
    if (!smartIssuer.isBlank()) {
      // its discovery document names the key set that verifies every clinician's ID token
      SecurityConfiguration.httpsInProduction(smartIssuer, "smart.auth-issuer", dev);
    }
    return new org.fusioncds.smart.SmartSettings(
        smartIssuer,
        smartClientId,
        smartClientSecret,
        smartScope,
        publicBaseUrl,
        java.time.Duration.ofSeconds(smartSessionMaxAgeS),
        smartMaxSessions,
        !dev);
  }

  /** The SMART app (section 9f): EHR launch, tokens kept server-side, the report page. */
  @BindToRegistry("smartApp")
  public org.fusioncds.smart.SmartApp smartApp() {
    return new org.fusioncds.smart.SmartApp(
        smartSettings(),
        ehrLaunches,
        fhirServers,
        gateway(),
        servedModelIds().stream().map(id -> models().model(id).card()).toList(),
        feedbackStore(),
        auditTrail);
  }

  /**
   * Discovery lists one CDS service per served model: {@code cds.service.id} for {@code
   * models.model}, and one named by its model id for each of {@code models.additional} (title and
   * description from its card). Each service's prefetch asks for its card's LOINC codes.
   */
  @BindToRegistry("cdsHooks")
  public CdsHooksEndpoints cdsHooks() {
    List<CdsService> services = new ArrayList<>();
    PerModel<GatherStep> gathers = gatherSteps();
    for (String id : servedModelIds()) {
      ModelCard c = models().model(id).card();
      boolean primary = id.equals(modelId);
      services.add(
          new CdsService(
              primary ? serviceId : id,
              "patient-view",
              primary ? serviceTitle : c.name(),
              (primary ? serviceDescription : c.intendedUse())
                  + " Model: "
                  + c.name()
                  + " "
                  + c.version()
                  + ". "
                  + c.warning()
                  + ".",
              prefetch(gathers.model(id).loincCodes()),
              "Reads Patient, ImagingStudy, Observation and Condition from the FHIR server (the"
                  + " hook's fhirAuthorization), and the latest eligible study's images"
                  + (c.volume() == null ? "" : " (one whole series)")
                  + " from the PACS that its ImagingStudy.endpoint names; writes a preliminary"
                  + " DiagnosticReport, Observations, Device and Provenance there."));
    }
    return new CdsHooksEndpoints(
        services,
        Path.of(modelsFolder),
        feedbackStore(),
        new RequestLimits(
            requestMaxBodyBytes, requestMaxDepth, requestMaxStringLength, requestMaxArrayLength));
  }

  /**
   * The discovery prefetch templates: exactly the gather's own reads (FhirGateway's searches), so a
   * prefetched part holds what the gather would have read and the cached path can compare it with
   * what it remembers (a template narrower than the search, such as {@code status=available}, made
   * every prefetched repeat of a patient with a study in another status gather in full). An EHR
   * that sends a first page only is read again (the {@code next} link).
   */
  private static Map<String, String> prefetch(List<String> loincCodes) {
    String patient = "{{context.patientId}}";
    Map<String, String> prefetch = new LinkedHashMap<>();
    prefetch.put("patient", "Patient/" + patient);
    prefetch.put("studies", FhirGateway.studiesSearch(patient));
    prefetch.put("observations", FhirGateway.observationsSearch(patient, loincCodes));
    prefetch.put("conditions", FhirGateway.conditionsSearch(patient));
    return prefetch;
  }
}
