/* private_output: a miss writes its object in a folder of its own (see .h). */
#include "private_output.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "family.h"
#include "paths.h"

/*
 * Options through which the output's name or folder reaches what the compile
 * writes or reads: aux files named after it (.gcno/.gcda, .dwo, .su, dumps,
 * optimisation records, time traces, -MJ's entry), profile data looked up
 * next to it, the command line recorded in the object, and what no one can
 * vouch for (plugins, spec files, options passed to a subprogram verbatim).
 */
static const char *const name_reaching_prefixes[] = {
        "-fprofile",
        "-fauto-profile",
        "-fbranch-probabilities",
        "-ftest-coverage",
        "--coverage",
        "-fcoverage",
        "-fcs-profile",
        "-fdump",
        "-save-temps",
        "--save-temps",
        "-fcallgraph-info",
        "-dumpdir",
        "-dumpbase",
        "-auxbase",
        "-ftime-trace",
        "-fsave-optimization-record",
        "-foptimization-record",
        "-fopt-info",
        "-fstack-usage",
        "-gsplit-dwarf",
        "-frecord",
        "-grecord",
        "-MJ",
        "-fplugin",
        "-specs",
        "--specs",
        "-Xclang",
        "-Xpreprocessor",
        "-Xassembler",
        "-Xlinker",
};

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool name_reaches_output(const struct compile_args *a)
{
	for (size_t i = 1; i < a->argc; i++) {
		const char *arg = a->argv[i];

		for (size_t k = 0;
		     k < sizeof(name_reaching_prefixes) / sizeof(name_reaching_prefixes[0]); k++)
			if (starts_with(arg, name_reaching_prefixes[k]))
				return true;
		/* -Wp passes options to the preprocessor verbatim: only the
		 * depfile forms, whose target gcc takes from the source. */
		if (starts_with(arg, "-Wp,") && !starts_with(arg, "-Wp,-MD,") &&
		    !starts_with(arg, "-Wp,-MMD,"))
			return true;
	}
	return a->output_path_in_output || a->records_command_line || a->dwo || a->gcno ||
	       a->stack_usage;
}

/* The -o forms: "-o X", "-oX", "--output X", "--output=X". Sets *value to
 * X and *separate to whether X is the next argument. */
static bool is_output_option(char *const *argv, size_t i, size_t argc, const char **value,
                             bool *separate)
{
	const char *arg = argv[i];

	*separate = false;
	if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
		if (i + 1 >= argc)
			return false;
		*separate = true;
		*value = argv[i + 1];
		return true;
	}
	if (starts_with(arg, "--output=")) {
		*value = arg + 9;
		return true;
	}
	if (starts_with(arg, "-o") && arg[2]) {
		*value = arg + 2;
		return true;
	}
	return false;
}

/* The final output is a regular file or nothing, in a folder that exists:
 * anything else the compiler would handle its own way (follow a dangling
 * symlink, fail on a missing folder with the real name in its message). */
static bool output_place_plain(const char *cwd, const char *output)
{
	char path[PATH_MAX], dir[PATH_MAX];
	const char *slash;
	struct stat st;

	if (paths_join(path, sizeof(path), cwd, output) < 0)
		return false;
	if (lstat(path, &st) == 0 ? !S_ISREG(st.st_mode) : errno != ENOENT)
		return false;
	slash = strrchr(path, '/');
	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return false;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash == path ? 1 : slash - path), path);
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int push(struct private_output *po, size_t *cap, const char *s)
{
	if (po->argc + 2 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **g = realloc(po->argv, ncap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		po->argv = g;
		*cap = ncap;
	}
	po->argv[po->argc] = strdup(s);
	if (!po->argv[po->argc])
		return -ENOMEM;
	po->argv[++po->argc] = NULL;
	return 0;
}

struct depfile_forms {
	bool driver; /* -MD or -MMD */
	bool wp;     /* -Wp,-MD,f or -Wp,-MMD,f */
	bool file;   /* -MF given */
	bool target; /* -MT or -MQ given */
};

static struct depfile_forms depfile_forms(const struct compile_args *a)
{
	struct depfile_forms f = {0};

	for (size_t i = 1; i < a->argc; i++) {
		const char *arg = a->argv[i];

		f.driver |= strcmp(arg, "-MD") == 0 || strcmp(arg, "-MMD") == 0;
		f.wp |= starts_with(arg, "-Wp,-MD,") || starts_with(arg, "-Wp,-MMD,");
		f.file |= starts_with(arg, "-MF");
		f.target |= starts_with(arg, "-MT") || starts_with(arg, "-MQ");
	}
	return f;
}

int private_output_plan(const struct compile_args *a, const char *cwd, const char *token,
                        struct private_output *po)
{
	struct depfile_forms f = depfile_forms(a);
	const char *given = NULL, *base;
	size_t cap = 0, n_outputs = 0;
	int r = 0;

	if (!family_of(a->family)->private_output || a->output_kind != OUTPUT_OBJECT ||
	    !a->output || strcmp(a->output, "-") == 0 || name_reaches_output(a) ||
	    (f.driver && f.wp) || ((f.driver || f.wp) && !a->depfile_wanted) ||
	    !output_place_plain(cwd, a->output))
		return 1;
	for (size_t i = 1; i < a->argc; i++) {
		bool separate;

		if (is_output_option(a->argv, i, a->argc, &given, &separate)) {
			n_outputs++;
			i += separate;
		}
	}
	/* One -o naming what the classifier calls the output, or none. */
	if (n_outputs > 1 || (n_outputs == 1 && strcmp(given, a->output) != 0))
		return 1;

	memset(po, 0, sizeof(*po));
	base = strrchr(a->output, '/');
	base = base ? base + 1 : a->output;
	if (asprintf(&po->dir, "%.*s.zccache-%s", (int)(base - a->output), a->output, token) < 0)
		po->dir = NULL;
	if (!po->dir || asprintf(&po->object, "%s/%s", po->dir, base) < 0 ||
	    !(po->final = strdup(a->output))) {
		private_output_free(po);
		return -ENOMEM;
	}
	for (size_t i = 0; i < a->argc && r == 0; i++) {
		const char *v;
		bool separate;
		char *joined = NULL;

		if (i == 0 || !is_output_option(a->argv, i, a->argc, &v, &separate)) {
			r = push(po, &cap, a->argv[i]);
		} else if (separate) {
			r = push(po, &cap, a->argv[i]);
			if (r == 0)
				r = push(po, &cap, po->object);
			i++;
		} else if (asprintf(&joined, "%.*s%s", (int)(v - a->argv[i]), a->argv[i],
		                    po->object) < 0) {
			r = -ENOMEM;
		} else {
			r = push(po, &cap, joined);
			free(joined);
		}
	}
	if (r == 0 && n_outputs == 0) {
		r = push(po, &cap, "-o");
		if (r == 0)
			r = push(po, &cap, po->object);
	}
	/* Drivers name the depfile after -o (-MD without -MF) and make -o its
	 * target (gcc for -MD/-MMD, clang for the -Wp forms too), as -MQ with
	 * the -o argument as given: so do we, from the final name. */
	if (r == 0 && f.driver && !f.file) {
		r = push(po, &cap, "-MF");
		if (r == 0)
			r = push(po, &cap, a->depfile);
	}
	if (r == 0 && (f.driver || (f.wp && family_of(a->family)->wp_depfile_target_from_output)) &&
	    !f.target) {
		r = push(po, &cap, "-MQ");
		if (r == 0)
			r = push(po, &cap, a->output);
	}
	if (r < 0) {
		private_output_free(po);
		return r;
	}
	return 0;
}

void private_output_free(struct private_output *po)
{
	for (size_t i = 0; po->argv && i < po->argc; i++)
		free(po->argv[i]);
	free(po->argv);
	free(po->dir);
	free(po->object);
	free(po->final);
	memset(po, 0, sizeof(*po));
}
