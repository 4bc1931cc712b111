/* `octet`: the command line of the octet runtime.
 *
 *   octet <command> [options]
 *
 * Each command lives in its own file (cli-run.c, cli-inspect.c, ...) and is
 * listed in the table below; see cli-common.h for how to add one. */
#include <stdio.h>
#include <string.h>

#include "cli-common.h"

static const cli_command commands[] = {
    {"run", cmd_run, "run a model on .npy or random inputs"},
    {"inspect", cmd_inspect,
     "show a model's inputs, ops, parameters and execution plan"},
    {"bench", cmd_bench,
     "latency per batch and precision, with accuracy, peaks and charts"},
    {"compare", cmd_compare,
     "put bench JSON reports of several machines side by side"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_usage(FILE *f) {
  fprintf(f,
          "usage: octet <command> [options]\n"
          "       octet <command> --help\n"
          "\n"
          "octet %s, a CPU inference runtime for ONNX models.\n"
          "\n"
          "commands:\n",
          octet_version());
  for (size_t k = 0; k < N_COMMANDS; k++)
    fprintf(f, "  %-10s %s\n", commands[k].name, commands[k].summary);
  fprintf(f,
          "\n"
          "options:\n"
          "  -h, --help     show this help\n"
          "  -V, --version  print the version\n"
          "\n"
          "Exit status: 0 on success, 1 when a command fails, 2 on a usage "
          "error.\n");
}

static const cli_command *find_command(const char *name) {
  for (size_t k = 0; k < N_COMMANDS; k++)
    if (strcmp(commands[k].name, name) == 0) return &commands[k];
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    return cli_usage_error(NULL, "no command given (commands: run, inspect, "
                                 "bench, compare)");
  }
  const char *a = argv[1];
  if (cli_is_help(a)) {
    print_usage(stdout);
    return CLI_EXIT_OK;
  }
  if (cli_opt_flag(a, "--version", "-V")) {
    printf("octet %s\n", octet_version());
    return CLI_EXIT_OK;
  }
  /* `octet help [COMMAND]` */
  if (strcmp(a, "help") == 0) {
    if (argc < 3) {
      print_usage(stdout);
      return CLI_EXIT_OK;
    }
    const cli_command *c = find_command(argv[2]);
    if (!c) return cli_usage_error(NULL, "unknown command '%s'", argv[2]);
    static char help_opt[] = "--help";
    char *help_argv[] = {argv[2], help_opt, NULL};
    return c->fn(2, help_argv);
  }
  const cli_command *c = find_command(a);
  if (!c)
    return cli_usage_error(NULL, a[0] == '-' ? "unknown option '%s'"
                                             : "unknown command '%s'", a);
  int rc = c->fn(argc - 1, argv + 1);
  if (fflush(stdout) != 0 && rc == CLI_EXIT_OK)
    return cli_error("cannot write to standard output");
  return rc;
}
