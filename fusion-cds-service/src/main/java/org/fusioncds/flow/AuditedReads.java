package org.fusioncds.flow;

import java.util.function.Supplier;

/**
 * Runs FHIR reads made with the case's client so that a read that got no answer is still audited
 * (the audit package's client interceptor implements it). The flow names this contract, not the
 * auditing class, so that the messages depend on no step.
 */
@FunctionalInterface
public interface AuditedReads {

  <T> T audited(Supplier<T> reads);
}
