package org.fusioncds.error;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Errors answered as a FHIR R4 OperationOutcome (one issue per problem, the FCDS code in {@code
 * details.coding} and at the head of {@code details.text}); the detail an attacker could use stays
 * in our logs, never in the answer to a 5xx or to a refused token.
 */
public final class OperationOutcomes {

  /** The code system of our error codes in OperationOutcome.issue.details. */
  public static final String CODE_SYSTEM = "urn:fusion-cds:error-code";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One problem: its code, its text (starting with the code), where (FHIRPath-like), or null. */
  public record Issue(int code, String text, String expression) {}

  private OperationOutcomes() {}

  /** A 4xx answer listing every problem found. */
  public static ObjectNode of(int httpStatus, List<Issue> problems) {
    ObjectNode oo = outcome();
    ArrayNode issues = oo.putArray("issue");
    for (Issue i : problems) {
      issues.add(issue(issueType(httpStatus), i.code(), i.text(), i.expression()));
    }
    return oo;
  }

  /** An {@link HttpAnswer} error: its status decides the issue type; its message is the text. */
  public static ObjectNode refused(FcdsException e, int httpStatus) {
    return of(httpStatus, List.of(new Issue(e.code(), e.getMessage(), null)));
  }

  /** A 5xx answer: the code only, a generic text. */
  public static ObjectNode internal(FcdsException e) {
    ObjectNode oo = outcome();
    oo.putArray("issue")
        .add(
            issue(
                "exception",
                e.code(),
                "FCDS-" + e.code() + ": the service could not evaluate this request",
                null));
    return oo;
  }

  /**
   * A 502 or 504 answer (a server we called failed or was too slow): the code and its fixed
   * meaning, never the detail (URLs, ids).
   */
  public static ObjectNode upstream(FcdsException e, int httpStatus) {
    ObjectNode oo = outcome();
    oo.putArray("issue")
        .add(
            issue(
                issueType(httpStatus),
                e.code(),
                e.errorCode().format(e.errorCode().meaning()),
                null));
    return oo;
  }

  /** FHIR R4 issue-type for an HTTP status. */
  static String issueType(int httpStatus) {
    return switch (httpStatus) {
      case 401 -> "login";
      case 403 -> "forbidden";
      case 404 -> "not-found";
      case 502, 503 -> "transient";
      case 504 -> "timeout";
      default -> "invalid";
    };
  }

  private static ObjectNode outcome() {
    ObjectNode oo = NODES.objectNode();
    oo.put("resourceType", "OperationOutcome");
    return oo;
  }

  private static ObjectNode issue(String type, int code, String text, String expression) {
    ObjectNode issue = NODES.objectNode();
    issue.put("severity", "error");
    issue.put("code", type);
    ObjectNode details = issue.putObject("details");
    details.putArray("coding").addObject().put("system", CODE_SYSTEM).put("code", "FCDS-" + code);
    details.put("text", text);
    if (expression != null) {
      issue.putArray("expression").add(expression);
    }
    return issue;
  }
}
