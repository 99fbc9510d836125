/** The command line: one class per command, user-facing text apart from the logic it calls. */
package org.fusioncds.cli;
