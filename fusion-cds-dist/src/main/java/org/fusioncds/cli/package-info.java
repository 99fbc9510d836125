/**
 * The command line: one class per command, user-facing text apart from the logic it calls.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-8001 (500) invalid command line
 *   <li>FCDS-8003 (500) out of memory
 *   <li>FCDS-8004 (500) input nested too deeply
 *   <li>FCDS-8009 (500) unexpected error in a command
 *   <li>FCDS-8010 (500) a command cannot write its output
 *   <li>FCDS-8060 (500) the demo hook call failed
 *   <li>FCDS-8110 (500) a demo worker process did not start or join
 *   <li>FCDS-8111 (500) the demo's evaluation jobs did not all finish in time
 * </ul>
 */
package org.fusioncds.cli;
