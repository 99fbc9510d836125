/**
 * The FHIR Subscription trigger: a new or updated ImagingStudy, or a new lab, of a patient becomes
 * an evaluation job before anyone opens the chart, so the hook later answers from the stored
 * report. The FHIR server notifies {@code POST /subscriptions/notify} (route {@code
 * subscription-notify}, {@code routes/subscriptions.camel.yaml}) over the rest-hook channel,
 * authenticated by a shared secret in a header ({@link
 * org.fusioncds.subscription.NotificationSecret}). {@link
 * org.fusioncds.subscription.SubscriptionNotifications} reads the R4 Subscriptions Backport
 * notification bundle ({@link org.fusioncds.subscription.BackportStatus}) (handshake, heartbeat,
 * event-notification; full-resource, id-only or empty payload), maps each focus to its patient and
 * queues one {@link org.fusioncds.flow.EvaluationJob} per patient (trigger {@code subscription}); a
 * gap in {@code eventsSinceSubscriptionStart}, or a notification without content, is caught up by a
 * {@code _lastUpdated} search. {@link org.fusioncds.subscription.NotifySubscriptions} writes the
 * Subscriptions the model card asks for.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-1150 (401) a subscription notification came but no shared secret is configured
 *   <li>FCDS-1151 (401) a subscription notification lacks the shared secret or carries a wrong one
 *   <li>FCDS-1152 (400) a subscription notification is not an R4 Bundle with a subscription status
 *   <li>FCDS-1153 (400) a subscription notification has an unknown type
 *   <li>FCDS-1154 (422) a subscription notification's focus is not a study or lab of a patient
 * </ul>
 */
package org.fusioncds.subscription;
