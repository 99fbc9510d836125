package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Parses and checks a hook request body against CDS Hooks 2.0.1 (§HTTP Request, the patient-view
 * context) before anything is fetched: every problem found becomes one issue of a 400 answer.
 */
public final class HookRequestParser {

  /** FHIR R4 id (§2.24.0.1): letters, digits, '-' and '.', 1 to 64. */
  private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private static final Pattern USER_REFERENCE =
      Pattern.compile(
          "(Practitioner|PractitionerRole|Patient|RelatedPerson)/[A-Za-z0-9\\-.]{1,64}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private HookRequestParser() {}

  /** The request for {@code service}, or a {@link CdsHooksException} listing every problem. */
  public static HookRequest parse(byte[] body, CdsService service) {
    JsonNode root = readJson(body);
    List<CdsHooksException.Issue> issues = new ArrayList<>();
    String hook = text(root, "hook", ErrorCode.HOOK_MISSING, issues);
    if (hook != null && !hook.equals(service.hook())) {
      issues.add(
          issue(
              ErrorCode.HOOK_MISMATCH,
              "hook",
              "service " + service.id() + " answers " + service.hook() + ", not '" + hook + "'"));
    }
    String hookInstance = text(root, "hookInstance", ErrorCode.HOOK_INSTANCE_MISSING, issues);
    JsonNode context = root.path("context");
    if (!context.isObject()) {
      issues.add(
          issue(ErrorCode.CONTEXT_MISSING, "context", "context is missing or not an object"));
    }
    String patientId = checkedId(context, "patientId", true, ErrorCode.PATIENT_ID_INVALID, issues);
    String userId = context.path("userId").asText(null);
    if (userId == null || !USER_REFERENCE.matcher(userId).matches()) {
      issues.add(
          issue(
              ErrorCode.USER_ID_INVALID,
              "context.userId",
              "userId must reference the user — '" + userId + "'"));
    }
    String encounterId =
        checkedId(context, "encounterId", false, ErrorCode.ENCOUNTER_ID_INVALID, issues);
    String fhirServer = fhirServer(root, issues);
    FhirAuthorization auth = authorization(root, fhirServer, issues);
    Map<String, JsonNode> prefetch = prefetch(root, issues);
    if (!issues.isEmpty()) {
      throw new CdsHooksException(400, issues);
    }
    return new HookRequest(
        service.id(),
        hook,
        hookInstance,
        fhirServer,
        auth,
        userId,
        patientId,
        encounterId,
        prefetch);
  }

  private static JsonNode readJson(byte[] body) {
    try {
      JsonNode root = body == null || body.length == 0 ? null : JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw new CdsHooksException(
            400, ErrorCode.REQUEST_BODY_INVALID, "$", "request body is not a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new CdsHooksException(
          400,
          ErrorCode.REQUEST_BODY_INVALID,
          "$",
          "request body is not valid JSON — line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr());
    } catch (java.io.IOException e) {
      throw new CdsHooksException(
          400, ErrorCode.REQUEST_BODY_INVALID, "$", "request body cannot be read");
    }
  }

  private static String text(
      JsonNode root, String field, ErrorCode code, List<CdsHooksException.Issue> issues) {
    JsonNode n = root.get(field);
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      issues.add(issue(code, field, field + " is required and must be a string"));
      return null;
    }
    return n.asText();
  }

  private static String checkedId(
      JsonNode context,
      String field,
      boolean required,
      ErrorCode code,
      List<CdsHooksException.Issue> issues) {
    JsonNode n = context.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        issues.add(issue(code, "context." + field, field + " is required"));
      }
      return null;
    }
    String v = n.asText();
    if (!n.isTextual() || !FHIR_ID.matcher(v).matches()) {
      issues.add(issue(code, "context." + field, field + " is not a FHIR id — '" + v + "'"));
      return null;
    }
    return v;
  }

  private static String fhirServer(JsonNode root, List<CdsHooksException.Issue> issues) {
    JsonNode n = root.get("fhirServer");
    if (n == null || n.isNull()) {
      return null;
    }
    String v = n.asText();
    try {
      URI u = URI.create(v);
      if (u.isAbsolute()
          && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null) {
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    issues.add(
        issue(
            ErrorCode.FHIR_SERVER_URL_INVALID,
            "fhirServer",
            "fhirServer must be an absolute http(s) URL — '" + v + "'"));
    return null;
  }

  private static FhirAuthorization authorization(
      JsonNode root, String fhirServer, List<CdsHooksException.Issue> issues) {
    JsonNode n = root.get("fhirAuthorization");
    if (n == null || n.isNull()) {
      return null;
    }
    FhirAuthorization a = JSON.convertValue(n, FhirAuthorization.class);
    List<String> missing = new ArrayList<>();
    if (a.accessToken() == null || a.accessToken().isBlank()) {
      missing.add("access_token");
    }
    if (!"Bearer".equalsIgnoreCase(a.tokenType())) {
      missing.add("token_type Bearer");
    }
    if (a.expiresIn() == null || a.expiresIn() <= 0) {
      missing.add("expires_in");
    }
    if (a.scope() == null || a.scope().isBlank()) {
      missing.add("scope");
    }
    if (a.subject() == null || a.subject().isBlank()) {
      missing.add("subject");
    }
    if (!missing.isEmpty()) {
      issues.add(
          issue(
              ErrorCode.FHIR_AUTHORIZATION_INCOMPLETE,
              "fhirAuthorization",
              "fhirAuthorization lacks " + String.join(", ", missing)));
    }
    if (fhirServer == null) {
      issues.add(
          issue(
              ErrorCode.FHIR_AUTHORIZATION_WITHOUT_SERVER,
              "fhirServer",
              "fhirAuthorization given without a fhirServer"));
    }
    return a;
  }

  private static Map<String, JsonNode> prefetch(
      JsonNode root, List<CdsHooksException.Issue> issues) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    JsonNode p = root.get("prefetch");
    if (p == null || p.isNull()) {
      return out;
    }
    if (!p.isObject()) {
      issues.add(issue(ErrorCode.PREFETCH_INVALID, "prefetch", "prefetch must be an object"));
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = p.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue; // the EHR could not prefetch this key: we query ourselves
      }
      if (!v.isObject() || !v.path("resourceType").isTextual()) {
        issues.add(
            issue(
                ErrorCode.PREFETCH_INVALID,
                "prefetch." + e.getKey(),
                "prefetch value is not a FHIR resource (no resourceType)"));
        continue;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  private static CdsHooksException.Issue issue(ErrorCode code, String expression, String message) {
    return new CdsHooksException.Issue(code, expression, message);
  }
}
