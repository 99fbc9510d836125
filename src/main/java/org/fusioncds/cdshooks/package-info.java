/**
 * Step: cdshooks — the CDS Hooks 2.0.1 service: discovery, hook requests (validated before anything
 * is fetched), cards, and feedback tied to the card and the model version.
 */
package org.fusioncds.cdshooks;
