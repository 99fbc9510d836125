package org.fusioncds.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.audit.BadParameter;
import org.fusioncds.audit.ComplianceFilter;
import org.fusioncds.audit.ComplianceFormats;
import org.fusioncds.audit.ComplianceQuery;
import org.fusioncds.audit.ComplianceRecord;
import org.fusioncds.cdshooks.DeadLetters;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.model.ModelCard;
import org.fusioncds.report.monitor.ModelFigures;
import org.fusioncds.report.monitor.ModelMonitors;
import org.fusioncds.report.monitor.OwnerPage;

/**
 * {@code GET /admin/audit?patient=&model=&from=&to=&caller=&format=json|csv} (role auditor): for
 * each AI report its model, every input version, the caller and the time; {@code GET /admin/status}
 * (role cds-admin): the model served and what waits in the audit spool; {@code GET
 * /admin/models/{id}} (role model-owner): the model owner's page ({@link ModelMonitor}), HTML or,
 * on {@code Accept: application/json}, the same figures as JSON.
 */
public final class AdminEndpoints {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<ComplianceQuery> query;
  private final ModelCard card;
  private final AuditSpool spool;
  private final DeadLetters deadLetters;
  private final ModelMonitors monitor;

  /**
   * @param query the compliance query on the FHIR server the reports are written to (null inside
   *     the supplier's answer when no fhir.base-url is configured: 7095)
   */
  public AdminEndpoints(
      Supplier<ComplianceQuery> query,
      ModelCard card,
      AuditSpool spool,
      DeadLetters deadLetters,
      ModelMonitors monitor) {
    this.query = query;
    this.card = card;
    this.spool = spool;
    this.deadLetters = deadLetters;
    this.monitor = monitor;
  }

  /**
   * The model owner's page of {@code modelId}: HTML with SVG charts, or JSON when the caller
   * accepts {@code application/json} and not {@code text/html} first. FCDS-6301 (404) for a model
   * neither served nor monitored here.
   */
  public String model(
      @Header("modelId") String modelId, @Header("Accept") String accept, Exchange exchange)
      throws JsonProcessingException {
    ModelFigures figures = monitor.figures(modelId);
    boolean json =
        accept != null && accept.contains("application/json") && !accept.startsWith("text/html");
    exchange
        .getMessage()
        .setHeader(Exchange.CONTENT_TYPE, json ? "application/json" : "text/html; charset=utf-8");
    exchange.getMessage().setHeader("Cache-Control", "no-store");
    return json ? JSON.writeValueAsString(figures) : OwnerPage.render(figures);
  }

  /** The compliance query, as JSON (default) or CSV ({@code format=csv}). */
  public String audit(
      @Header("patient") String patient,
      @Header("model") String model,
      @Header("from") String from,
      @Header("to") String to,
      @Header("caller") String caller,
      @Header("format") String format,
      Exchange exchange) {
    boolean csv = "csv".equals(format);
    if (format != null && !csv && !"json".equals(format)) {
      throw new BadParameter(ErrorCode.COMPLIANCE_FORMAT, "format must be json or csv — " + format);
    }
    ComplianceQuery q = query.get();
    if (q == null) {
      throw new FcdsException(
          ErrorCode.COMPLIANCE_NO_FHIR, "no FHIR server to query: fhir.base-url is not set");
    }
    List<ComplianceRecord> records =
        q.run(ComplianceFilter.parse(patient, model, from, to, caller));
    exchange
        .getMessage()
        .setHeader(Exchange.CONTENT_TYPE, csv ? "text/csv; charset=utf-8" : "application/json");
    return csv ? ComplianceFormats.csv(records) : ComplianceFormats.json(records);
  }

  /** The model served and what waits: AuditEvents in the spool, background write-backs failed. */
  public String status() throws JsonProcessingException {
    ObjectNode s = JSON.createObjectNode();
    s.putObject("model")
        .put("id", card.id())
        .put("version", card.version())
        .put("defaultGraph", card.fusion().defaultGraph());
    s.put("auditEventsWaiting", spool.size());
    s.put("deadLetters", deadLetters.count());
    return JSON.writeValueAsString(s);
  }
}
