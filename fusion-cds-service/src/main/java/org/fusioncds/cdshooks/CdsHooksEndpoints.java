package org.fusioncds.cdshooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.error.HttpAnswer;
import org.fusioncds.error.OperationOutcomes;
import org.fusioncds.error.Traces;
import org.fusioncds.flow.HookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the CDS Hooks service, called from {@code routes/cds-hooks.camel.yaml}:
 * discovery, request parsing against the service's hook, and the error answers.
 */
public final class CdsHooksEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(CdsHooksEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, CdsService> services;
  private final java.nio.file.Path modelsFolder;
  private final FeedbackStore feedback;
  private final RequestLimits limits;
  private final HookRequestParser parser;

  /**
   * @param limits the size limits of hook and feedback bodies ({@code cds.request.*})
   */
  public CdsHooksEndpoints(
      List<CdsService> services,
      java.nio.file.Path modelsFolder,
      FeedbackStore feedback,
      RequestLimits limits) {
    this.modelsFolder = modelsFolder;
    this.feedback = feedback;
    this.limits = limits;
    this.parser = new HookRequestParser(limits);
    this.services =
        services.stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    CdsService::id, s -> s, (a, b) -> a, java.util.LinkedHashMap::new));
  }

  /** {@code GET /cds-services} (CDS Hooks 2.0.1 §Discovery). */
  public String discovery() throws JsonProcessingException {
    ObjectNode root = JSON.createObjectNode();
    root.set("services", JSON.valueToTree(services.values()));
    return JSON.writeValueAsString(root);
  }

  /** The service a request path names, or 404 with its code. */
  public CdsService service(@Header("serviceId") String serviceId) {
    CdsService s = services.get(serviceId);
    if (s == null) {
      throw new CdsHooksException(
          404,
          ErrorCode.SERVICE_UNKNOWN,
          "serviceId",
          "no CDS service with id '" + serviceId + "'");
    }
    return s;
  }

  /**
   * {@code POST /cds-services/{id}}: the validated request, or a 400 listing every problem. The
   * call's audit context learns the hook instance, the patient and the user.
   */
  public HookRequest parse(@Header("serviceId") String serviceId, byte[] body, Exchange exchange) {
    HookRequest request = parser.parse(body, service(serviceId));
    CallAuditPolicy.describeHook(
        exchange, request.hook(), request.hookInstance(), request.patientId(), request.userId());
    return request;
  }

  /** {@code GET /models/{id}/model-card}: the model card the cards' source links to, as YAML. */
  public String modelCard(@Header("modelId") String modelId) throws java.io.IOException {
    java.nio.file.Path file = modelsFolder.resolve(modelId).resolve("model-card.yaml");
    if (!modelId.matches("[A-Za-z0-9_.-]{1,64}") || !java.nio.file.Files.isRegularFile(file)) {
      throw new CdsHooksException(
          404, ErrorCode.MODEL_CARD_UNKNOWN, "modelId", "no model card for '" + modelId + "'");
    }
    return java.nio.file.Files.readString(file);
  }

  /**
   * {@code POST /cds-services/{id}/feedback} (CDS Hooks 2.0.1 §Feedback): stored, or 400/404; each
   * item on a result card is then written as the clinician's review of its report (the clinician:
   * the {@code userId} of the hook that issued the card).
   */
  public String feedback(@Header("serviceId") String serviceId, byte[] body, Exchange exchange) {
    service(serviceId);
    feedback.record(
        limits.read(body == null ? new byte[0] : body, ErrorCode.FEEDBACK_BODY_INVALID),
        null,
        exchange == null ? null : CallAuditPolicy.context(exchange));
    return "{}";
  }

  /**
   * An error of a server we called (the FHIR server failed, 502, or did not answer in time, 504):
   * answered with the code's own status; every other plain error is ours, 500.
   */
  static boolean isUpstream(ErrorCode code) {
    return code.httpStatus() == 502 || code.httpStatus() == 504;
  }

  /** Writes an error answer on the exchange: status, OperationOutcome JSON; the code is audited. */
  public void answerError(Exchange exchange) throws JsonProcessingException {
    Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    FcdsException coded = FcdsException.in(t);
    FcdsException error =
        coded != null ? coded : new FcdsException(ErrorCode.UNEXPECTED, "unexpected", t);
    int status;
    ObjectNode body;
    if (error instanceof CdsHooksException e) {
      status = e.httpStatus();
      body =
          OperationOutcomes.of(
              status,
              e.issues().stream()
                  .map(i -> new OperationOutcomes.Issue(i.code().code(), i.text(), i.expression()))
                  .toList());
    } else if (error instanceof HttpAnswer a) {
      status = a.httpStatus();
      body = OperationOutcomes.refused(error, status);
    } else if (isUpstream(error.errorCode())) {
      status = error.errorCode().httpStatus();
      body = OperationOutcomes.upstream(error, status);
    } else {
      status = 500;
      body = OperationOutcomes.internal(error);
      // a fault of ours: where and which kind, never a message (they carry the record's values)
      LOG.error(
          "{} answered 500 on route {}: {}",
          error.codeText(),
          exchange.getFromRouteId(),
          Traces.withoutMessages(t == null ? error : t));
    }
    exchange.setProperty(CallAuditPolicy.OUTCOME_CODE, error.codeText());
    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
    exchange.getMessage().setBody(JSON.writeValueAsString(body));
  }
}
