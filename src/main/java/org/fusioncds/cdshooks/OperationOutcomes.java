package org.fusioncds.cdshooks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fusioncds.error.FcdsException;

/**
 * Errors answered as a FHIR R4 OperationOutcome (one issue per problem, the FCDS code in {@code
 * details.coding} and at the head of {@code details.text}); the detail an attacker could use stays
 * in our logs, never in the answer to a 5xx.
 */
public final class OperationOutcomes {

  /** The code system of our error codes in OperationOutcome.issue.details. */
  public static final String CODE_SYSTEM = "urn:fusion-cds:error-code";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OperationOutcomes() {}

  public static ObjectNode of(CdsHooksException e) {
    ObjectNode oo = outcome();
    ArrayNode issues = oo.putArray("issue");
    for (CdsHooksException.Issue i : e.issues()) {
      issues.add(
          issue(
              e.httpStatus() == 404 ? "not-found" : "invalid", i.code(), i.text(), i.expression()));
    }
    return oo;
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
