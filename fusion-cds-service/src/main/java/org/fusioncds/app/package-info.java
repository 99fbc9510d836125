/**
 * The service as a process: the Camel Main application with its configurations ({@code config}),
 * routes ({@code routes/*.camel.yaml}) and settings ({@code application.properties}), started by
 * {@code serve} (the CLI) or by {@link org.fusioncds.app.ServiceMain} (the service jar).
 */
package org.fusioncds.app;
