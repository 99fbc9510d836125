package org.fusioncds.config;

import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheck;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.audit.JournalSettings;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.observe.Readiness;
import org.fusioncds.observe.ReadinessChecks;
import org.fusioncds.security.AnswerHeaders;
import org.fusioncds.security.BearerRoutePolicy;
import org.fusioncds.security.HttpEdge;
import org.fusioncds.security.HttpEdgeLimits;
import org.fusioncds.security.OutboundUrlPolicy;
import org.fusioncds.security.ServiceTokens;
import org.fusioncds.security.TokenVerifier;
import org.fusioncds.security.TrustedIssuer;
import org.fusioncds.security.Verifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security and audit beans, made from settings: {@code security.*} (mode, trusted CDS Hooks
 * issuers and their JWKS, the fhirServer and DICOMweb allowlists, the Keycloak realm of the API,
 * outbound client credentials) and {@code audit.*} (spool folder and journal, repository, batch
 * size). Bound before {@link FusionCdsConfiguration}, which uses them.
 */
public class SecurityConfiguration implements CamelConfiguration, CamelContextAware {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityConfiguration.class);
  private static final String ISSUER_PREFIX = "security.hook-issuer.";

  @PropertyInject(value = "security.mode", defaultValue = "production")
  String mode;

  @PropertyInject(value = "security.insecure-unsigned-hooks", defaultValue = "false")
  boolean insecureHooks;

  @PropertyInject(value = "security.fhir-servers", defaultValue = "")
  String fhirServers;

  @PropertyInject(value = "security.dicomweb-servers", defaultValue = "")
  String dicomWebServers;

  @PropertyInject(value = "security.api.issuer", defaultValue = "")
  String apiIssuer;

  @PropertyInject(value = "security.api.jwks-url", defaultValue = "")
  String apiJwksUrl;

  @PropertyInject(value = "security.api.audience", defaultValue = "fusion-cds")
  String apiAudience;

  @PropertyInject(value = "security.outbound.auth", defaultValue = "none")
  String outboundAuth;

  @PropertyInject(value = "security.outbound.token-url", defaultValue = "")
  String outboundTokenUrl;

  @PropertyInject(value = "security.outbound.client-id", defaultValue = "fusion-cds")
  String clientId;

  @PropertyInject(value = "security.outbound.client-secret", defaultValue = "")
  String clientSecret;

  @PropertyInject(value = "security.outbound.private-key-file", defaultValue = "")
  String privateKeyFile;

  @PropertyInject(value = "security.outbound.scope", defaultValue = "")
  String scope;

  @PropertyInject(value = "cds.public-base-url", defaultValue = "")
  String publicBaseUrl;

  @PropertyInject(value = "audit.spool-folder", defaultValue = "data/audit-spool")
  String spoolFolder;

  @PropertyInject(value = "audit.journal.max-group", defaultValue = "256")
  int journalMaxGroup;

  @PropertyInject(value = "audit.journal.max-wait-us", defaultValue = "2000")
  long journalMaxWaitMicros;

  @PropertyInject(value = "audit.journal.segment-bytes", defaultValue = "8388608")
  long journalSegmentBytes;

  @PropertyInject(value = "audit.site", defaultValue = "fusion-cds")
  String site;

  @PropertyInject(value = "edge.max-body-bytes", defaultValue = "4194304")
  long edgeMaxBodyBytes;

  @PropertyInject(value = "edge.max-header-bytes", defaultValue = "8192")
  int edgeMaxHeaderBytes;

  @PropertyInject(value = "edge.max-initial-line-bytes", defaultValue = "4096")
  int edgeMaxInitialLineBytes;

  @PropertyInject(value = "edge.header-timeout-ms", defaultValue = "10000")
  long edgeHeaderTimeoutMs;

  @PropertyInject(value = "edge.body-timeout-ms", defaultValue = "30000")
  long edgeBodyTimeoutMs;

  @PropertyInject(value = "edge.worker-threads", defaultValue = "64")
  int edgeWorkerThreads;

  private CamelContext camel;
  private AuditTrail trail;
  private AuditSpool spool;

  @Override
  public void setCamelContext(CamelContext camelContext) {
    this.camel = camelContext;
  }

  @Override
  public CamelContext getCamelContext() {
    return camel;
  }

  private boolean dev() {
    return dev(mode);
  }

  /**
   * Whether {@code security.mode} is {@code dev} (else {@code production}); any other value is
   * FCDS-7022 wherever the mode is read.
   */
  static boolean dev(String mode) {
    return switch (mode) {
      case "dev" -> true;
      case "production" -> false;
      default ->
          throw new FcdsException(
              ErrorCode.SECURITY_MODE_INVALID, "security.mode must be production or dev — " + mode);
    };
  }

  private AuditSpool spool() {
    if (spool == null) {
      spool =
          new AuditSpool(
              Path.of(spoolFolder),
              new JournalSettings(journalMaxGroup, journalMaxWaitMicros, journalSegmentBytes));
    }
    return spool;
  }

  /**
   * The Vert.x instance Camel platform-http serves on (it takes the registry's one), with the
   * {@code edge.*} limits: body, header and request-line sizes, header and body timeouts, the
   * worker threads.
   */
  @BindToRegistry(value = "httpEdgeVertx", destroyMethod = "close")
  public Vertx httpEdgeVertx() {
    return HttpEdge.vertx(
        new HttpEdgeLimits(
            edgeMaxBodyBytes,
            edgeMaxHeaderBytes,
            edgeMaxInitialLineBytes,
            edgeHeaderTimeoutMs,
            edgeBodyTimeoutMs,
            edgeWorkerThreads));
  }

  /**
   * What an HTTP answer may carry: only the headers the service sets (platform-http takes it from
   * {@code camel.component.platform-http.header-filter-strategy}).
   */
  @BindToRegistry("answerHeaders")
  public AnswerHeaders answerHeaders() {
    return new AnswerHeaders();
  }

  @BindToRegistry("auditTrail")
  public AuditTrail auditTrail() {
    if (trail == null) {
      trail = new AuditTrail(spool(), site);
    }
    return trail;
  }

  @BindToRegistry("auditSpool")
  public AuditSpool auditSpool() {
    return spool();
  }

  private ServiceTokens serviceTokens;

  /** One instance: its token cache serves every outbound call. */
  @BindToRegistry("serviceTokens")
  public ServiceTokens serviceTokens() {
    if (serviceTokens == null) {
      serviceTokens =
          ServiceTokens.from(
              outboundAuth, outboundTokenUrl, clientId, clientSecret, privateKeyFile, scope);
    }
    return serviceTokens;
  }

  @BindToRegistry("callAudit")
  public CallAuditPolicy callAudit() {
    return new CallAuditPolicy(auditTrail());
  }

  private BearerRoutePolicy hookCallers;

  /** One instance: its replay cache must see every hook call. */
  @BindToRegistry("hookCallers")
  public BearerRoutePolicy hookCallers() {
    if (hookCallers == null) {
      hookCallers = newHookCallers();
    }
    return hookCallers;
  }

  private BearerRoutePolicy newHookCallers() {
    if (insecureHooks) {
      if (!dev()) {
        throw new FcdsException(
            ErrorCode.INSECURE_NEEDS_DEV,
            "security.insecure-unsigned-hooks needs security.mode=dev — " + mode);
      }
      LOG.warn(
          ErrorCode.INSECURE_UNSIGNED_HOOKS.codeText()
              + ": INSECURE: CDS Hooks calls are accepted WITHOUT a signed JWT"
              + " (security.insecure-unsigned-hooks=true). For local experiments only.");
      return BearerRoutePolicy.insecureForHooks();
    }
    List<TrustedIssuer> issuers = hookIssuers();
    if (issuers.isEmpty()) {
      LOG.warn(
          ErrorCode.NO_TRUSTED_HOOK_ISSUER.codeText()
              + ": no trusted CDS Hooks issuer (security.hook-issuer.*): every hook call"
              + " will be refused");
    }
    return BearerRoutePolicy.forHooks(
        Verifiers.forHooks(issuers, Clock.systemUTC()), publicBaseUrl);
  }

  @BindToRegistry("auditors")
  public BearerRoutePolicy auditors() {
    return BearerRoutePolicy.forApi(apiVerifier(), apiAudience, "auditor");
  }

  @BindToRegistry("operators")
  public BearerRoutePolicy operators() {
    return BearerRoutePolicy.forApi(apiVerifier(), apiAudience, "cds-admin");
  }

  @BindToRegistry("modelOwners")
  public BearerRoutePolicy modelOwners() {
    return BearerRoutePolicy.forApi(apiVerifier(), apiAudience, "model-owner");
  }

  /**
   * Readiness of the key sets every token is checked against: each trusted EHR's JWKS and
   * Keycloak's (the module's API), reachable over TCP.
   */
  @BindToRegistry("keySetReadiness")
  public Readiness keySetReadiness() {
    List<HealthCheck> checks = new ArrayList<>();
    for (TrustedIssuer i : hookIssuers()) {
      checks.add(
          ReadinessChecks.reachable(
              "jwks-" + i.jwksUrl().getHost() + "-" + i.jwksUrl().getPort(),
              i.jwksUrl().toString(),
              1000));
    }
    if (!apiIssuer.isBlank()) {
      String jwks =
          apiJwksUrl.isBlank() ? apiIssuer + "/protocol/openid-connect/certs" : apiJwksUrl;
      checks.add(ReadinessChecks.reachable("jwks-api", jwks, 1000));
    }
    return new Readiness("key-sets", checks);
  }

  private TokenVerifier apiVerifier;

  private TokenVerifier apiVerifier() {
    if (apiVerifier == null) {
      List<TrustedIssuer> issuers = new ArrayList<>();
      if (!apiIssuer.isBlank()) {
        String jwks =
            apiJwksUrl.isBlank() ? apiIssuer + "/protocol/openid-connect/certs" : apiJwksUrl;
        issuers.add(
            new TrustedIssuer(
                apiIssuer,
                httpsInProduction(
                    jwks,
                    apiJwksUrl.isBlank()
                        ? "security.api.issuer (its JWKS, security.api.jwks-url unset)"
                        : "security.api.jwks-url"),
                List.of(),
                Set.of()));
      }
      apiVerifier = Verifiers.forApi(issuers, Clock.systemUTC());
    }
    return apiVerifier;
  }

  /**
   * The SMART app's check of an EHR launch: the EHR signs it with its CDS Hooks key (the trusted
   * hook issuers), short-lived and used once, as a hook call (section 9f).
   */
  @BindToRegistry("ehrLaunches")
  public org.fusioncds.security.TokenVerifier ehrLaunches() {
    return Verifiers.forHooks(hookIssuers(), Clock.systemUTC());
  }

  @BindToRegistry("fhirServers")
  public OutboundUrlPolicy fhirServers() {
    return urlPolicy(fhirServers);
  }

  @BindToRegistry("dicomWebServers")
  public OutboundUrlPolicy dicomWebServers() {
    return urlPolicy(dicomWebServers);
  }

  private OutboundUrlPolicy urlPolicy(String bases) {
    if (list(bases).isEmpty()) {
      LOG.warn(
          ErrorCode.ALLOWLIST_EMPTY.codeText()
              + ": an allowlist (security.fhir-servers / security.dicomweb-servers) is empty:"
              + " every such URL named by a request will be refused");
    }
    return new OutboundUrlPolicy(
        dev() ? OutboundUrlPolicy.Mode.DEV : OutboundUrlPolicy.Mode.PRODUCTION, list(bases));
  }

  /** {@code security.hook-issuer.<name>.iss|jwks-url|jku|tenants}; a name without iss is off. */
  List<TrustedIssuer> hookIssuers() {
    Properties p = camel.getPropertiesComponent().loadProperties(k -> k.startsWith(ISSUER_PREFIX));
    Set<String> names = new TreeSet<>();
    p.stringPropertyNames()
        .forEach(k -> names.add(k.substring(ISSUER_PREFIX.length()).split("\\.", 2)[0]));
    List<TrustedIssuer> issuers = new ArrayList<>();
    for (String name : names) {
      String iss = resolve(p, ISSUER_PREFIX + name + ".iss");
      if (iss.isBlank()) {
        continue;
      }
      String jwks = resolve(p, ISSUER_PREFIX + name + ".jwks-url");
      if (jwks.isBlank()) {
        throw new FcdsException(
            ErrorCode.ISSUER_WITHOUT_JWKS, "trusted issuer has no jwks-url — " + name);
      }
      String key = ISSUER_PREFIX + name;
      issuers.add(
          new TrustedIssuer(
              iss,
              httpsInProduction(jwks, key + ".jwks-url"),
              list(resolve(p, key + ".jku")).stream()
                  .map(jku -> httpsInProduction(jku, key + ".jku"))
                  .toList(),
              Set.copyOf(list(resolve(p, key + ".tenants")))));
    }
    return issuers;
  }

  /**
   * A key set's URL: in production mode only https (a key set fetched over http can be swapped on
   * the way, and every token it then "verifies" is the attacker's); FCDS-7028 otherwise, naming the
   * setting. Dev mode also takes http (the demo, the compose pilot).
   */
  private URI httpsInProduction(String url, String setting) {
    return httpsInProduction(url, setting, dev());
  }

  /**
   * {@link #httpsInProduction(String, String)} for a setting read elsewhere (smart.auth-issuer).
   */
  static URI httpsInProduction(String url, String setting, boolean dev) {
    URI uri = URI.create(url);
    if (!dev && !"https".equalsIgnoreCase(uri.getScheme())) {
      throw new FcdsException(
          ErrorCode.JWKS_NOT_HTTPS,
          setting
              + " must be https in security.mode=production — "
              + uri.getScheme()
              + "://"
              + uri.getHost()
              + (uri.getPort() == -1 ? "" : ":" + uri.getPort()));
    }
    return uri;
  }

  private String resolve(Properties p, String key) {
    String raw = p.getProperty(key, "");
    return raw.contains("{{") ? camel.resolvePropertyPlaceholders(raw) : raw.trim();
  }

  static List<String> list(String commaSeparated) {
    return commaSeparated == null || commaSeparated.isBlank()
        ? List.of()
        : Arrays.stream(commaSeparated.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
  }
}
