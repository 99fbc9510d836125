package org.fusioncds.cdshooks;

import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;

/**
 * A CDS Hooks request we refuse, with the HTTP status to answer and one issue per problem found
 * (codes 1xxx). Answered as a FHIR OperationOutcome.
 */
public class CdsHooksException extends FcdsException {

  /** One problem: its code, where in the request (a FHIRPath-like expression), and what. */
  public record Issue(ErrorCode code, String expression, String message) {
    public String text() {
      return code.format(message);
    }
  }

  private final int httpStatus;
  private final List<Issue> issues;

  public CdsHooksException(int httpStatus, List<Issue> issues) {
    super(issues.get(0).code(), issues.get(0).message());
    this.httpStatus = httpStatus;
    this.issues = List.copyOf(issues);
  }

  public CdsHooksException(int httpStatus, ErrorCode code, String expression, String message) {
    this(httpStatus, List.of(new Issue(code, expression, message)));
  }

  public int httpStatus() {
    return httpStatus;
  }

  public List<Issue> issues() {
    return issues;
  }
}
