package org.fusioncds.observe;

import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRepository;

/** A named set of readiness checks, registered with Camel's health-check registry at start. */
public final class Readiness implements HealthCheckRepository {

  private final String id;
  private final List<HealthCheck> checks;
  private volatile boolean enabled = true;

  public Readiness(String id, List<HealthCheck> checks) {
    this.id = id;
    this.checks = List.copyOf(checks);
  }

  @Override
  public String getId() {
    return id;
  }

  @Override
  public boolean isEnabled() {
    return enabled;
  }

  @Override
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  @Override
  public Stream<HealthCheck> stream() {
    return enabled ? checks.stream() : Stream.empty();
  }
}
