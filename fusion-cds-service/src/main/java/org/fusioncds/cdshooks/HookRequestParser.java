package org.fusioncds.cdshooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.flow.FhirAuthorization;
import org.fusioncds.flow.HookRequest;

/**
 * Parses and checks a hook request body against CDS Hooks 2.0.1 (§HTTP Request, §Passing the Access
 * Token, the patient-view context) before anything is fetched. First the size limits ({@link
 * RequestLimits}), then every field's JSON type and form; every problem found becomes one issue of
 * a 400 answer naming the field. {@code hookInstance} should be a UUID (the spec's recommendation);
 * any printable string of at most 256 characters is accepted. A JSON null for an optional field
 * ({@code fhirServer}, {@code fhirAuthorization}, {@code encounterId}, {@code prefetch}, a prefetch
 * key) means absent.
 */
public final class HookRequestParser {

  /** The longest access token sent on (servers commonly refuse header blocks over 8 KiB). */
  static final int MAX_TOKEN_CHARS = 4096;

  private static final java.util.regex.Pattern B64TOKEN =
      java.util.regex.Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  /** FHIR R4 id (§2.24.0.1): letters, digits, '-' and '.', 1 to 64. */
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private static final Pattern USER_REFERENCE =
      Pattern.compile(
          "(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\\-.]{1,64}");

  private static final int MAX_HOOK_INSTANCE = 256;

  /** How much of an offending value an answer quotes. */
  private static final int QUOTED = 64;

  private final RequestLimits limits;

  public HookRequestParser(RequestLimits limits) {
    this.limits = limits;
  }

  /** The request for {@code service}, or a {@link CdsHooksException} listing every problem. */
  public HookRequest parse(byte[] body, CdsService service) {
    JsonNode root = limits.read(body == null ? new byte[0] : body, ErrorCode.REQUEST_BODY_INVALID);
    if (!root.isObject()) {
      throw new CdsHooksException(
          400,
          ErrorCode.REQUEST_BODY_INVALID,
          "$",
          "the request body must be a JSON object, not " + kind(root));
    }
    List<CdsHooksException.Issue> issues = new ArrayList<>();
    String hook = string(root, "hook", "hook", ErrorCode.HOOK_MISSING, issues);
    if (hook != null && !hook.equals(service.hook())) {
      issues.add(
          issue(
              ErrorCode.HOOK_MISMATCH,
              "hook",
              "service " + service.id() + " answers " + service.hook() + ", not " + quote(hook)));
    }
    String hookInstance = hookInstance(root, issues);
    Context context = context(root.get("context"), issues);
    String fhirServer = fhirServer(root, issues);
    FhirAuthorization auth = authorization(root, fhirServer, issues);
    Map<String, JsonNode> prefetch = prefetch(root, service, issues);
    if (!issues.isEmpty()) {
      throw new CdsHooksException(400, issues);
    }
    return new HookRequest(
        service.id(),
        hook,
        hookInstance,
        fhirServer,
        auth,
        context.userId(),
        context.patientId(),
        context.encounterId(),
        prefetch);
  }

  private record Context(String patientId, String userId, String encounterId) {}

  /** A required, non-blank string field, or null with its issue. */
  private static String string(
      JsonNode parent,
      String field,
      String expression,
      ErrorCode code,
      List<CdsHooksException.Issue> issues) {
    JsonNode n = parent.get(field);
    String problem = null;
    if (n == null) {
      problem = field + " is required";
    } else if (!n.isTextual()) {
      problem = field + " must be a string, not " + kind(n);
    } else if (n.asText().isBlank()) {
      problem = field + " must not be empty";
    }
    if (problem != null) {
      issues.add(issue(code, expression, problem));
      return null;
    }
    return n.asText();
  }

  private static String hookInstance(JsonNode root, List<CdsHooksException.Issue> issues) {
    String v =
        string(root, "hookInstance", "hookInstance", ErrorCode.HOOK_INSTANCE_MISSING, issues);
    if (v != null
        && (v.length() > MAX_HOOK_INSTANCE || v.chars().anyMatch(Character::isISOControl))) {
      issues.add(
          issue(
              ErrorCode.HOOK_INSTANCE_MISSING,
              "hookInstance",
              "hookInstance must be printable and at most "
                  + MAX_HOOK_INSTANCE
                  + " characters (a UUID is recommended) — "
                  + quote(v)));
      return null;
    }
    return v;
  }

  private static Context context(JsonNode context, List<CdsHooksException.Issue> issues) {
    if (context == null || !context.isObject()) {
      issues.add(
          issue(
              ErrorCode.CONTEXT_MISSING,
              "context",
              context == null
                  ? "context is required"
                  : "context must be an object, not " + kind(context)));
      return new Context(null, null, null);
    }
    String patientId =
        string(context, "patientId", "context.patientId", ErrorCode.PATIENT_ID_INVALID, issues);
    if (patientId != null && !FHIR_ID.matcher(patientId).matches()) {
      issues.add(
          issue(
              ErrorCode.PATIENT_ID_INVALID,
              "context.patientId",
              "patientId must be a FHIR logical id ([A-Za-z0-9-.]{1,64}, not a reference or URL) — "
                  + quote(patientId)));
      patientId = null;
    }
    String userId = string(context, "userId", "context.userId", ErrorCode.USER_ID_INVALID, issues);
    if (userId != null && !USER_REFERENCE.matcher(userId).matches()) {
      issues.add(
          issue(
              ErrorCode.USER_ID_INVALID,
              "context.userId",
              "userId must be Practitioner/, PractitionerRole/, Patient/ or RelatedPerson/ and an"
                  + " id — "
                  + quote(userId)));
      userId = null;
    }
    return new Context(patientId, userId, encounterId(context, issues));
  }

  private static String encounterId(JsonNode context, List<CdsHooksException.Issue> issues) {
    JsonNode n = context.get("encounterId");
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || !FHIR_ID.matcher(n.asText()).matches()) {
      issues.add(
          issue(
              ErrorCode.ENCOUNTER_ID_INVALID,
              "context.encounterId",
              "encounterId must be a FHIR logical id — "
                  + (n.isTextual() ? quote(n.asText()) : kind(n))));
      return null;
    }
    return n.asText();
  }

  private static String fhirServer(JsonNode root, List<CdsHooksException.Issue> issues) {
    JsonNode n = root.get("fhirServer");
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      String v = n.asText();
      try {
        URI u = new URI(v);
        if (u.isAbsolute()
            && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
            && u.getHost() != null
            && u.getRawUserInfo() == null
            && u.getRawQuery() == null
            && u.getRawFragment() == null) {
          return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
        }
      } catch (java.net.URISyntaxException ignored) {
        // reported below
      }
    }
    issues.add(
        issue(
            ErrorCode.FHIR_SERVER_URL_INVALID,
            "fhirServer",
            "fhirServer must be an absolute http(s) URL without user info, query or fragment — "
                + (n.isTextual() ? quote(n.asText()) : kind(n))));
    return null;
  }

  private static FhirAuthorization authorization(
      JsonNode root, String fhirServer, List<CdsHooksException.Issue> issues) {
    JsonNode n = root.get("fhirAuthorization");
    if (n == null || n.isNull()) {
      return null;
    }
    if (root.get("fhirServer") == null || root.get("fhirServer").isNull()) {
      issues.add(
          issue(
              ErrorCode.FHIR_AUTHORIZATION_WITHOUT_SERVER,
              "fhirServer",
              "fhirAuthorization given without a fhirServer"));
    }
    if (!n.isObject()) {
      issues.add(
          issue(
              ErrorCode.FHIR_AUTHORIZATION_INCOMPLETE,
              "fhirAuthorization",
              "fhirAuthorization must be an object, not " + kind(n)));
      return null;
    }
    int before = issues.size();
    ErrorCode code = ErrorCode.FHIR_AUTHORIZATION_INCOMPLETE;
    String token = string(n, "access_token", "fhirAuthorization.access_token", code, issues);
    if (token != null && (token.length() > MAX_TOKEN_CHARS || !B64TOKEN.matcher(token).matches())) {
      // it goes into an Authorization header: RFC 6750's b64token, and no larger than a server
      // accepts a header line
      issues.add(
          issue(
              code,
              "fhirAuthorization.access_token",
              "access_token must be an RFC 6750 b64token of at most "
                  + MAX_TOKEN_CHARS
                  + " characters — "
                  + token.length()
                  + " characters"));
    }
    String type = string(n, "token_type", "fhirAuthorization.token_type", code, issues);
    if (type != null && !"Bearer".equalsIgnoreCase(type)) {
      issues.add(
          issue(
              code, "fhirAuthorization.token_type", "token_type must be Bearer — " + quote(type)));
    }
    JsonNode expires = n.get("expires_in");
    if (expires == null
        || !expires.isIntegralNumber()
        || !expires.canConvertToInt()
        || expires.intValue() <= 0) {
      issues.add(
          issue(
              code,
              "fhirAuthorization.expires_in",
              "expires_in must be a positive integer (seconds), not "
                  + (expires == null ? "missing" : kind(expires))));
    }
    String scope = string(n, "scope", "fhirAuthorization.scope", code, issues);
    String subject = string(n, "subject", "fhirAuthorization.subject", code, issues);
    JsonNode patient = n.get("patient");
    if (patient != null
        && !patient.isNull()
        && !(patient.isTextual() && FHIR_ID.matcher(patient.asText()).matches())) {
      issues.add(
          issue(code, "fhirAuthorization.patient", "patient must be a FHIR logical id if given"));
    }
    if (issues.size() > before || fhirServer == null) {
      return null;
    }
    return new FhirAuthorization(token, type, expires.intValue(), scope, subject);
  }

  private static Map<String, JsonNode> prefetch(
      JsonNode root, CdsService service, List<CdsHooksException.Issue> issues) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode p = root.get("prefetch");
    if (p == null || p.isNull()) {
      return out;
    }
    if (!p.isObject()) {
      issues.add(
          issue(
              ErrorCode.PREFETCH_INVALID,
              "prefetch",
              "prefetch must be an object, not " + kind(p)));
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = p.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      String where = "prefetch." + abbreviate(e.getKey());
      if (v.isNull()) {
        continue; // the EHR could not prefetch this key: we query ourselves
      }
      if (!v.isObject() || !v.path("resourceType").isTextual()) {
        issues.add(
            issue(
                ErrorCode.PREFETCH_INVALID,
                where,
                "a prefetch value must be a FHIR resource (an object with a resourceType) or null,"
                    + " not "
                    + kind(v)));
        continue;
      }
      String expected = expectedType(service.prefetch().get(e.getKey()));
      String actual = v.get("resourceType").asText();
      if (expected != null && !expected.equals(actual)) {
        issues.add(
            issue(
                ErrorCode.PREFETCH_INVALID,
                where,
                "prefetch " + e.getKey() + " must be a " + expected + ", not " + quote(actual)));
        continue;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  /**
   * The resource type a prefetch template answers with: a read ({@code Patient/{{...}}}) its type,
   * a search ({@code Type?...}) a Bundle; null for a key the service does not ask for.
   */
  static String expectedType(String template) {
    if (template == null) {
      return null;
    }
    return template.contains("?") ? "Bundle" : template.substring(0, template.indexOf('/'));
  }

  /** The JSON kind of a value, for messages: "a number", "an object", "null". */
  static String kind(JsonNode n) {
    return switch (n.getNodeType()) {
      case NULL -> "null";
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case STRING -> "a string";
      default -> "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** An offending value as quoted in an answer: at most {@value #QUOTED} characters. */
  static String quote(String v) {
    return "'" + abbreviate(v) + "'";
  }

  private static String abbreviate(String v) {
    return v.length() <= QUOTED ? v : v.substring(0, QUOTED) + "… (" + v.length() + " characters)";
  }

  private static CdsHooksException.Issue issue(ErrorCode code, String expression, String message) {
    return new CdsHooksException.Issue(code, expression, message);
  }
}
