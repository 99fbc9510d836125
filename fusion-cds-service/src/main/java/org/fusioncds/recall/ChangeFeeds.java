package org.fusioncds.recall;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.flow.AuditContext;

/**
 * The change feed of each FHIR server hooks name, made on first use and shared by every served
 * model; none when {@code cds.recall.feed.enabled} is false. Each poll is audited as one outbound
 * batch of the module itself (no caller, no patient: the feed reads every patient's changes),
 * handed to the journal without waiting: the hooks that use the poll wait for it.
 */
public final class ChangeFeeds implements AutoCloseable {

  /** The feed acts as the module itself: no caller, no patient. */
  private static final AuditContext FEED =
      new AuditContext("change-feed", null, null, null, null, null);

  private final Map<String, ChangeFeed> feeds = new ConcurrentHashMap<>();
  private final Function<String, ChangeFeed> make;

  /**
   * @param clients a client of a base with the service's own credentials
   * @param settings null: no feed (every repeated hook is checked by its own batch)
   * @param callsInFlight the calls the service is answering (each poll gathers its hooks)
   */
  public ChangeFeeds(
      FhirGateway gateway,
      Function<String, ca.uhn.fhir.rest.client.api.IGenericClient> clients,
      AuditTrail audit,
      ChangeFeed.Settings settings,
      IntSupplier callsInFlight) {
    this.make =
        settings == null
            ? base -> null
            : base ->
                new ChangeFeed(
                    base,
                    gateway,
                    clients.apply(base),
                    new ChangeFeed.Audit() {
                      @Override
                      public CompletableFuture<Void> batch(List<String> urls, int status) {
                        return audit.recordLater(
                            audit.events().fhirBatchRead(FEED, base, urls, status));
                      }

                      @Override
                      public CompletableFuture<Void> page(String url, int status) {
                        return audit.recordLater(
                            audit.events().fhirRead(FEED, base, "GET", url, status));
                      }
                    },
                    settings,
                    callsInFlight);
  }

  /** The base's feed, made on first use; empty when feeds are turned off. */
  public Optional<ChangeFeed> of(String base) {
    ChangeFeed existing = feeds.get(base);
    if (existing != null) {
      return Optional.of(existing);
    }
    ChangeFeed made = make.apply(base);
    if (made == null) {
      return Optional.empty();
    }
    ChangeFeed raced = feeds.putIfAbsent(base, made);
    if (raced != null) {
      made.close();
      return Optional.of(raced);
    }
    return Optional.of(made);
  }

  /** Every feed made so far. */
  public List<ChangeFeed> all() {
    return List.copyOf(feeds.values());
  }

  @Override
  public void close() {
    feeds.values().forEach(ChangeFeed::close);
  }
}
