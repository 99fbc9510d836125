package org.fusioncds.audit;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.util.function.Supplier;
import org.fusioncds.flow.AuditContext;

/**
 * Records one AuditEvent (BALP Read or Query shape, see {@link AuditEvents#fhirRead}) for every GET
 * a HAPI FHIR client makes on behalf of one request: reads, vreads, searches, next pages — with the
 * status the server answered, failures (4xx, 5xx) included, since HAPI calls {@link
 * #interceptResponse} before it turns a failure status into an exception. Register one instance per
 * {@link AuditContext} on a client used for that request only.
 *
 * <p>Not recorded here: POSTs (the write-back transaction is recorded by the caller with {@link
 * AuditEvents#fhirWrite}, which knows the written locations; a search by POST is not made by
 * fusion-cds). A request that got no answer at all (connection refused, timeout) never reaches
 * {@code interceptResponse}: reads made through {@link #audited(Supplier)} are recorded then too,
 * with outcome 8, "no answer", before the error goes on.
 *
 * <p>Fails closed: when the event cannot be spooled, {@code interceptResponse} throws FCDS-7071 and
 * the read fails with it.
 */
public final class AuditingClientInterceptor implements IClientInterceptor {

  private final AuditTrail trail;
  private final AuditContext ctx;
  private final String serverBase;
  private final ThreadLocal<IHttpRequest> pending = new ThreadLocal<>();

  public AuditingClientInterceptor(AuditTrail trail, AuditContext ctx, String serverBase) {
    this.trail = trail;
    this.ctx = ctx;
    this.serverBase = serverBase.endsWith("/") ? serverBase : serverBase + "/";
  }

  @Override
  public void interceptRequest(IHttpRequest request) {
    pending.set("GET".equalsIgnoreCase(request.getHttpVerbName()) ? request : null);
  }

  @Override
  public void interceptResponse(IHttpResponse response) {
    IHttpRequest request = pending.get();
    pending.remove();
    if (request == null) {
      return;
    }
    String base = serverBase.substring(0, serverBase.length() - 1);
    trail.record(
        ctx,
        trail
            .events()
            .fhirRead(ctx, base, "GET", relative(request.getUri()), response.getStatus()));
  }

  /**
   * Runs reads made with this interceptor's client on this thread; when one fails, the GET it sent
   * that got no answer (connection refused, timeout), if any, is recorded before the error goes on.
   */
  public <T> T audited(Supplier<T> reads) {
    try {
      return reads.get();
    } catch (RuntimeException e) {
      recordUnanswered();
      throw e;
    }
  }

  private void recordUnanswered() {
    IHttpRequest request = pending.get();
    pending.remove();
    if (request != null) {
      String base = serverBase.substring(0, serverBase.length() - 1);
      trail.record(ctx, trail.events().fhirRead(ctx, base, "GET", relative(request.getUri()), 0));
    }
  }

  /** The request relative to the server base ({@code Observation?patient=1}). */
  String relative(String uri) {
    if (uri.startsWith(serverBase)) {
      return uri.substring(serverBase.length());
    }
    String base = serverBase.substring(0, serverBase.length() - 1);
    return uri.startsWith(base) ? uri.substring(base.length()) : uri;
  }
}
