package org.fusioncds.audit;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.security.BearerRoutePolicy;
import org.fusioncds.security.Caller;
import org.fusioncds.security.RequestHeaders;
import org.hl7.fhir.r4.model.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit half of every inbound call (CDS Hooks and the module's API), as a Camel route policy
 * listed before the {@link BearerRoutePolicy}: on begin it gives the call its request id (the
 * caller's {@code X-Request-Id} when it is a plain token, else a new UUID) and notes the caller's
 * network address; when the exchange is done it records one AuditEvent (IHE BALP): the hook call,
 * the API call, or the refused authentication, with the status and FCDS code answered. The id goes
 * back in the answer's {@code X-Request-Id}. The event is recorded when the exchange is done, which
 * may be just after the answer has gone out.
 */
public final class CallAuditPolicy extends RoutePolicySupport {

  /** Exchange property: the {@link AuditContext} of the call. */
  public static final String CONTEXT = "fcdsAuditContext";

  /** Exchange property: the FCDS code of an error answer (set by the error handler). */
  public static final String OUTCOME_CODE = "fcdsOutcomeCode";

  public static final String REQUEST_ID_HEADER = "X-Request-Id";

  private static final String HOOK = "fcdsHook";
  private static final String COUNTED = "fcdsInFlight";
  private static final String PATH = "fcdsPath";
  private static final String REMOTE_ADDRESS = "CamelVertxPlatformHttpRemoteAddress";
  private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Logger LOG = LoggerFactory.getLogger(CallAuditPolicy.class);

  private final AuditTrail trail;
  private final AtomicInteger inFlight = new AtomicInteger();

  public CallAuditPolicy(AuditTrail trail) {
    this.trail = trail;
  }

  /**
   * The calls begun and not yet done (answered and their AuditEvent recorded): what the audit
   * shipper gives way to ({@link AuditShipper}).
   */
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public void onExchangeBegin(Route route, Exchange exchange) {
    if (exchange.getProperty(CONTEXT) != null) {
      return;
    }
    String given = RequestHeaders.single(exchange, REQUEST_ID_HEADER); // never a query parameter
    String requestId =
        given != null && PLAIN_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    exchange.setProperty(
        CONTEXT, new AuditContext(requestId, null, null, remoteAddress(exchange), null, null));
    exchange.setProperty(PATH, exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class));
    exchange.getMessage().setHeader(REQUEST_ID_HEADER, requestId); // answered with it
    exchange.setProperty(COUNTED, Boolean.TRUE);
    inFlight.incrementAndGet();
  }

  /**
   * Route step at the start of a hook call: its outbound reads and writes hand their events to the
   * journal and go on ({@link AuditTrail#defer}); {@link #settle} waits for all of them once.
   */
  public void defer(Exchange exchange) {
    AuditContext ctx = exchange.getProperty(CONTEXT, AuditContext.class);
    if (ctx != null && ctx.deferral() == null) {
      exchange.setProperty(CONTEXT, ctx.withDeferral(trail.defer()));
    }
  }

  /**
   * Route step before a hook answers: every outbound event of the call is durable when this
   * returns, else FCDS-7071 and the answer is that error (fail closed).
   */
  public void settle(Exchange exchange) {
    AuditContext ctx = exchange.getProperty(CONTEXT, AuditContext.class);
    if (ctx != null) {
      trail.settle(ctx.deferral());
    }
  }

  @Override
  public void onExchangeDone(Route route, Exchange exchange) {
    try {
      done(exchange);
    } finally {
      if (exchange.removeProperty(COUNTED) != null) {
        inFlight.decrementAndGet();
      }
    }
  }

  private void done(Exchange exchange) {
    AuditContext ctx = context(exchange);
    if (ctx == null) {
      return;
    }
    try {
      trail.settle(ctx.deferral()); // an error answer skipped the route's settle step
    } catch (FcdsException e) {
      LOG.error(
          "{} — an outbound audit record of request {} not kept", e.getMessage(), ctx.requestId());
    }
    try {
      trail.record(event(trail.events(), exchange, ctx));
    } catch (FcdsException e) {
      LOG.error("{} — audit record of request {} not kept", e.getMessage(), ctx.requestId());
    }
  }

  private static AuditEvent event(AuditEvents events, Exchange exchange, AuditContext ctx) {
    int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
    String path = exchange.getProperty(PATH, "", String.class);
    FcdsException refused = exchange.getProperty(BearerRoutePolicy.FAILURE, FcdsException.class);
    if (refused != null) {
      return events.authenticationFailed(
          ctx.requestId(), ctx.clientAddress(), path, refused.codeText(), status);
    }
    String code = exchange.getProperty(OUTCOME_CODE, String.class);
    String hook = exchange.getProperty(HOOK, String.class);
    if (hook != null) {
      String serviceId = exchange.getMessage().getHeader("serviceId", String.class);
      return events.hookCall(ctx, serviceId, hook, status, code);
    }
    return events.apiCall(ctx, path, status, code);
  }

  /** The audit context of the call on this exchange, with the verified caller once known. */
  public static AuditContext context(Exchange exchange) {
    AuditContext ctx = exchange.getProperty(CONTEXT, AuditContext.class);
    Caller caller = exchange.getProperty(BearerRoutePolicy.CALLER, Caller.class);
    return ctx == null || caller == null ? ctx : ctx.withCaller(caller);
  }

  /**
   * The hook request names its instance, patient and user: the call's audit context learns them.
   */
  public static void describeHook(
      Exchange exchange, String hook, String hookInstance, String patientId, String userId) {
    AuditContext ctx = exchange.getProperty(CONTEXT, AuditContext.class);
    if (ctx != null) {
      exchange.setProperty(CONTEXT, ctx.withHook(hookInstance, patientId, userId));
    }
    exchange.setProperty(HOOK, hook);
  }

  private static String remoteAddress(Exchange exchange) {
    Object a = exchange.getMessage().getHeader(REMOTE_ADDRESS);
    return a instanceof io.vertx.core.net.SocketAddress s ? s.hostAddress() : null;
  }
}
