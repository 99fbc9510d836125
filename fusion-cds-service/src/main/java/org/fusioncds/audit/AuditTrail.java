package org.fusioncds.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.hl7.fhir.r4.model.AuditEvent;

/**
 * What the flow calls to audit (IHE BALP AuditEvents, FHIR R4): {@link #events()} builds an event,
 * {@link #record} puts it in the durable spool, from where an {@link AuditShipper} sends it to the
 * audit repository. Recording fails closed: when the event cannot be written to disk the caller
 * gets FCDS-7071 and must not go on with the audited action.
 *
 * <p>A hook call defers the durability of its outbound events ({@link #defer}): each read and write
 * it makes hands its event to the journal and goes on, and the hook waits once, before it answers,
 * until every one of them is durable ({@link #settle}; FCDS-7071 then, and the answer is that
 * error). A hook with six audited reads so waits for one force instead of six in turn. Events
 * recorded after the settling (a report written behind the card) are durable when recorded.
 */
public final class AuditTrail {

  private final AuditSpool spool;
  private final AuditEvents events;
  private final Map<String, Deferred> deferred = new ConcurrentHashMap<>();

  public AuditTrail(AuditSpool spool, String siteName) {
    this.spool = spool;
    this.events = new AuditEvents(siteName);
  }

  /** The builders, with this trail's site as {@code source.site}. */
  public AuditEvents events() {
    return events;
  }

  /** The spool the events go to. */
  public AuditSpool spool() {
    return spool;
  }

  /**
   * Writes the event durably.
   *
   * @throws org.fusioncds.error.FcdsException 7071 when it cannot be written, 7070 when it has no
   *     id
   */
  public void record(AuditEvent event) {
    spool.append(event);
  }

  /**
   * Records an event of the call {@code ctx}: handed to the journal without waiting while the
   * call's deferral is open, else written durably as {@link #record(AuditEvent)} does.
   *
   * @throws org.fusioncds.error.FcdsException 7070 when it has no id, 7071 when it cannot be
   *     written (or, deferred, the journal is closed)
   */
  public void record(AuditContext ctx, AuditEvent event) {
    Deferred d = openDeferral(ctx);
    if (d == null || !d.add(spool, event)) {
      spool.append(event);
    }
  }

  /**
   * Hands the event to the journal without waiting; the future completes once it is durable (or
   * fails with FCDS-7071). Whoever acts on what the event records waits for it ({@link #await}).
   *
   * @throws org.fusioncds.error.FcdsException 7070 when it has no id, 7071 when the journal is
   *     closed
   */
  public CompletableFuture<Void> recordLater(AuditEvent event) {
    return spool.appendLater(event);
  }

  /**
   * The call {@code ctx} goes on with what an event handed over by {@link #recordLater} records:
   * while the call's deferral is open its settling waits for the event too, else this waits now.
   *
   * @throws FcdsException 7071 when it waits now and the event was not written
   */
  public void await(AuditContext ctx, CompletableFuture<Void> durable) {
    Deferred d = openDeferral(ctx);
    if (d == null || !d.join(durable)) {
      AuditSpool.awaitDurable(durable);
    }
  }

  /** The call's deferral while it is open, else null. */
  private Deferred openDeferral(AuditContext ctx) {
    return ctx == null || ctx.deferral() == null ? null : deferred.get(ctx.deferral());
  }

  /** Opens a deferral; its key goes into the call's {@link AuditContext#withDeferral}. */
  public String defer() {
    String key = UUID.randomUUID().toString();
    deferred.put(key, new Deferred());
    return key;
  }

  /**
   * Closes the deferral and waits until every event recorded under it is durable; events recorded
   * with its key from now on are written at once. Nothing to do for an unknown or null key.
   *
   * @throws FcdsException 7071 (the first failure) when any of them was not written
   */
  public void settle(String key) {
    Deferred d = key == null ? null : deferred.remove(key);
    if (d == null) {
      return;
    }
    FcdsException first = null;
    for (CompletableFuture<Void> f : d.close()) {
      try {
        AuditSpool.awaitDurable(f);
      } catch (FcdsException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Deferrals open now (a call that never settled would stay here). */
  int open() {
    return deferred.size();
  }

  /** The events handed over under one key, until it is closed. */
  private static final class Deferred {

    private final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private boolean closed;

    /** Hands the event over; false once closed (the caller then writes it durably itself). */
    synchronized boolean add(AuditSpool spool, AuditEvent event) {
      if (closed) {
        return false;
      }
      pending.add(spool.appendLater(event));
      return true;
    }

    /** Settling waits for this one too; false once closed (the caller then waits itself). */
    synchronized boolean join(CompletableFuture<Void> durable) {
      if (closed) {
        return false;
      }
      pending.add(durable);
      return true;
    }

    synchronized List<CompletableFuture<Void>> close() {
      closed = true;
      return List.copyOf(pending);
    }
  }
}
