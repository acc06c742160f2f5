/* Literal scanning for the rules extractor, in one native pass over a `str`.
 *
 * `patterns.Literals` finds many ASCII literals in a text with an Aho-Corasick automaton. Through
 * ahocorasick-rs the text is first encoded to bytes, every occurrence comes back as a Python tuple, and
 * the callers then sort the occurrences into groups (the shared pass) or reject the ones inside a word
 * (the alias pass) one object at a time: two to three times the cost of the scan itself. Here the
 * automaton reads the `str`'s own storage (1, 2 or 4 bytes a character; the few non-ASCII characters the
 * literals hold, "zł" or "zürich", have classes of their own, looked up by bisection, and any other is
 * one that no literal holds), and the grouping and the word-boundary checks happen before any Python
 * object is made. Results are exactly those of the ahocorasick-rs path (tests/test_extract_native.py
 * compares the two over the real postings).
 *
 * Overlapping, standard semantics: every occurrence of every literal, reported in order of end, and at
 * one end the longest first (a state's own literals, then those of its failure chain), as
 * ahocorasick-rs reports them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    PyObject_HEAD
    Py_ssize_t words;      /* literals, in the order given */
    int32_t *lengths;      /* by literal */
    int32_t longest;       /* the longest literal's length */
    int classes;           /* byte classes: 0 for every character no literal holds */
    uint8_t classmap[128]; /* ASCII character -> class */
    Py_ssize_t wide_count; /* the non-ASCII characters literals hold, sorted; their classes follow */
    Py_UCS4 *wide_chars;   /* the ASCII ones: wide_chars[k] is class wide_first + k */
    int wide_first;
    int32_t states;
    uint32_t *delta;       /* class * states + state -> next state (`renumber`) */
    uint32_t first_match;  /* states from here on report literals */
    const uint32_t *rows[128]; /* ASCII character -> its class's row of `delta` */
    int32_t *out_start;    /* by state: where its reported literals begin in `out` (states + 1 of them) */
    int32_t *out;          /* literal indexes: each state's own, then its failure chain's */
    int32_t *depth;        /* by state: the length of the literal prefix it stands for */
    /* Word starts only (`word_start`): occurrences are found only where a word can begin, at the text's
     * start or after a non-word character, and the automaton never tracks literals begun inside a word. */
    int word_start;
    uint8_t *nonword;      /* by class: 1 for non-word characters (class 1 holds those no literal has) */
    uint32_t in_word;      /* the state inside a word, where no literal can begin */
    /* `spaced_word_hits`' own tables, made on its first call (see `spaced_tables`). */
    uint8_t *after_space;  /* by state: 1 for a prefix ending with a space */
    int spaced_ok;         /* no literal begins or ends with a spacing character */
    uint32_t *spaced_delta;
    const uint32_t *spaced_rows[128];
    /* Groups (optional): literal -> the groups it belongs to, flattened. */
    Py_ssize_t groups;
    int32_t *group_start;  /* words + 1 */
    int32_t *group_of;
    uint8_t *alone;        /* by group: 1 drops occurrences next to an ASCII letter ("ron" in "environment") */
    /* What `grouped` pushes for each reporting state, in one array (`build_emits`): the literal's length
     * << 16 | ALONE_BIT if its group is "alone" | the group, literal by literal, group by group. A hit reads
     * these instead of five tables (the state's literals, their lengths, their groups, the groups' flags):
     * each a cache miss, ~40 ns a hit, eighty hits a posting. NULL when a length or group does not fit. */
    uint32_t *emits;
    int32_t *emit_start;   /* by reporting state (state - first_match), + 1 */
} Automaton;

typedef struct {
    int64_t *items;
    Py_ssize_t size, capacity;
} Buffer;

static int buffer_push(Buffer *buffer, int64_t value) {
    if (buffer->size == buffer->capacity) {
        Py_ssize_t capacity = buffer->capacity ? buffer->capacity * 2 : 64;
        int64_t *items = PyMem_Realloc(buffer->items, (size_t)capacity * sizeof(int64_t));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        buffer->items = items;
        buffer->capacity = capacity;
    }
    buffer->items[buffer->size++] = value;
    return 0;
}

static void Automaton_dealloc(Automaton *self) {
    PyMem_Free(self->lengths);
    PyMem_Free(self->delta);
    PyMem_Free(self->out_start);
    PyMem_Free(self->out);
    PyMem_Free(self->depth);
    PyMem_Free(self->nonword);
    PyMem_Free(self->after_space);
    PyMem_Free(self->spaced_delta);
    PyMem_Free(self->group_start);
    PyMem_Free(self->group_of);
    PyMem_Free(self->alone);
    PyMem_Free(self->emits);
    PyMem_Free(self->emit_start);
    PyMem_Free(self->wide_chars);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Sets `at` to the first index of the sorted items[0:count] not below `key` (Python's bisect_left). */
#define BISECT_LEFT(items, count, key, at)                 \
    do {                                                   \
        Py_ssize_t high_ = (count);                        \
        (at) = 0;                                          \
        while ((at) < high_) {                             \
            Py_ssize_t middle_ = ((at) + high_) / 2;       \
            if ((items)[middle_] < (key))                  \
                (at) = middle_ + 1;                        \
            else                                           \
                high_ = middle_;                           \
        }                                                  \
    } while (0)

/* What `\w` matches (`patterns.is_word_char`); ASCII, nearly every character checked, by comparison. */
static inline int is_word(Py_UCS4 c) {
    if (c < 128) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    return Py_UNICODE_ISALNUM(c);
}

/* What `patterns.spaced` turns into one space: hyphens, line breaks, tabs and spaces, a run of them
 * counting once. */
static inline int is_spacing(Py_UCS4 c) { return c == ' ' || c == '-' || c == '\n' || c == '\t' || c == '\r'; }

/* The class of a non-ASCII character: bisection over the few the literals hold, else 0 (1 for a non-word
 * character, when the automaton looks for word starts). */
static inline uint32_t wide_class(const Automaton *self, Py_UCS4 c) {
    Py_ssize_t low;
    BISECT_LEFT(self->wide_chars, self->wide_count, c, low);
    if (low < self->wide_count && self->wide_chars[low] == c) return (uint32_t)(self->wide_first + low);
    return self->word_start && !is_word(c) ? 1 : 0;
}

/* While the trie is built, with `classmap`, `wide_count` and `word_start` read from the automaton into
 * locals. */
#define CLASS_OF(c) ((c) < 128 ? classmap[c] : ((wide_count | word_start) ? wide_class(self, (c)) : 0))

static int compare_ucs4(const void *a, const void *b) {
    Py_UCS4 x = *(const Py_UCS4 *)a, y = *(const Py_UCS4 *)b;
    return (x > y) - (x < y);
}

/* The scanning tables, from the trie's transitions (`child`, dense by state then class) and the
 * breadth-first order: states renumbered so that those reporting no literal come first, the root 0 and the
 * shallow states (where a walk spends its time) next to it, and those that report last, from
 * `first_match`: a step then tells whether literals end by a comparison of the new state, not a bit the
 * next step would have to mask off. `delta` is class by class (`classes` rows of `states` entries), so a
 * step is one load at the class's row, indexed by the state: nothing between one step's load and the
 * next but that load. `out_start`, `out`, `depth` and `after_space` are reordered to match. */
static int renumber(Automaton *self, const int32_t *child, const int32_t *order, int32_t tail, int32_t in_word) {
    const int32_t states = self->states, classes = self->classes;
    int32_t *perm = PyMem_Malloc((size_t)states * sizeof(int32_t));
    int32_t *out_start = PyMem_Malloc(((size_t)states + 1) * sizeof(int32_t));
    int32_t *out = PyMem_Malloc((size_t)(self->out_start[states] ? self->out_start[states] : 1) * sizeof(int32_t));
    int32_t *depth = PyMem_Malloc((size_t)states * sizeof(int32_t));
    uint8_t *after_space = PyMem_Malloc((size_t)states);
    uint32_t *delta = PyMem_Malloc((size_t)states * (size_t)classes * sizeof(uint32_t));
    int32_t *by_new = PyMem_Malloc((size_t)states * sizeof(int32_t)); /* new state -> old */
    if (!perm || !out_start || !out || !depth || !after_space || !delta || !by_new) {
        PyMem_Free(perm);
        PyMem_Free(out_start);
        PyMem_Free(out);
        PyMem_Free(depth);
        PyMem_Free(after_space);
        PyMem_Free(delta);
        PyMem_Free(by_new);
        PyErr_NoMemory();
        return -1;
    }
    /* Breadth first: the root, the state inside a word (with word starts), then the trie's. */
    int32_t next = 0;
    for (int reporting = 0; reporting < 2; reporting++) {
        if (reporting) self->first_match = (uint32_t)next;
        for (int32_t k = -2; k < tail; k++) {
            int32_t old = k == -2 ? 0 : k == -1 ? (self->word_start ? in_word : -1) : order[k];
            if (old < 0) continue;
            int reports = self->out_start[old + 1] > self->out_start[old];
            if (reports == reporting) perm[old] = next++;
        }
    }
    for (int32_t old = 0; old < states; old++) by_new[perm[old]] = old;
    int32_t at = 0;
    for (int32_t state = 0; state < states; state++) {
        int32_t old = by_new[state];
        out_start[state] = at;
        for (int32_t j = self->out_start[old]; j < self->out_start[old + 1]; j++) out[at++] = self->out[j];
        depth[state] = self->depth[old];
        after_space[state] = self->after_space[old];
        for (int32_t c = 0; c < classes; c++)
            delta[(size_t)c * states + state] = (uint32_t)perm[child[(size_t)old * classes + c]];
    }
    out_start[states] = at;
    self->in_word = self->word_start ? (uint32_t)perm[in_word] : 0;
    for (int c = 0; c < 128; c++) self->rows[c] = delta + (size_t)self->classmap[c] * states;
    PyMem_Free(self->out_start);
    PyMem_Free(self->out);
    PyMem_Free(self->depth);
    PyMem_Free(self->after_space);
    self->out_start = out_start;
    self->out = out;
    self->depth = depth;
    self->after_space = after_space;
    self->delta = delta;
    PyMem_Free(perm);
    PyMem_Free(by_new);
    return 0;
}

/* The trie while it is built: children as a dense table over character classes. */
static int build(Automaton *self, PyObject *words) {
    Py_ssize_t count = PyList_GET_SIZE(words);
    int used[128] = {0};
    Py_ssize_t total = 0, wide = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        if (!PyUnicode_Check(word) || PyUnicode_READY(word) < 0) {
            PyErr_SetString(PyExc_TypeError, "literals must be str");
            return -1;
        }
        Py_ssize_t size = PyUnicode_GET_LENGTH(word);
        if (size == 0) {
            PyErr_SetString(PyExc_ValueError, "literals must not be empty");
            return -1;
        }
        int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        for (Py_ssize_t j = 0; j < size; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            if (c < 128)
                used[c] = 1;
            else
                wide++;
        }
        total += size;
    }
    /* The non-ASCII characters, sorted and distinct. */
    self->wide_chars = PyMem_Malloc((size_t)(wide ? wide : 1) * sizeof(Py_UCS4));
    if (self->wide_chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0, at = 0; i < count && wide; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        for (Py_ssize_t j = 0; j < PyUnicode_GET_LENGTH(word); j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            if (c >= 128) self->wide_chars[at++] = c;
        }
    }
    if (wide > 1) qsort(self->wide_chars, (size_t)wide, sizeof(Py_UCS4), compare_ucs4);
    self->wide_count = 0;
    for (Py_ssize_t k = 0; k < wide; k++)
        if (self->wide_count == 0 || self->wide_chars[self->wide_count - 1] != self->wide_chars[k])
            self->wide_chars[self->wide_count++] = self->wide_chars[k];
    /* Class 0: the characters no literal holds; with word starts, only the word characters among them,
     * the others class 1. */
    int classes = self->word_start ? 2 : 1;
    memset(self->classmap, 0, sizeof self->classmap);
    for (int c = 0; c < 128; c++)
        if (used[c])
            self->classmap[c] = (uint8_t)classes++;
        else if (self->word_start && !is_word((Py_UCS4)c))
            self->classmap[c] = 1;
    self->wide_first = classes;
    classes += (int)self->wide_count;
    self->nonword = PyMem_Calloc((size_t)classes, 1);
    if (self->nonword == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (self->word_start) {
        self->nonword[1] = 1;
        for (int c = 0; c < 128; c++)
            if (used[c]) self->nonword[self->classmap[c]] = !is_word((Py_UCS4)c);
        for (Py_ssize_t k = 0; k < self->wide_count; k++)
            self->nonword[self->wide_first + k] = !is_word(self->wide_chars[k]);
    }
    /* Tables are indexed by class * states + state: that must stay under 2^31. */
    if ((double)(total + 2) * classes >= (double)INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "too many literal characters");
        return -1;
    }
    self->classes = classes;
    self->words = count;
    self->lengths = PyMem_Calloc((size_t)(count ? count : 1), sizeof(int32_t));
    int32_t capacity = (int32_t)total + 1 + (self->word_start ? 1 : 0); /* the trie, and the state in a word */
    int32_t *child = PyMem_Malloc((size_t)capacity * (size_t)classes * sizeof(int32_t));
    int32_t *fail = PyMem_Calloc((size_t)capacity, sizeof(int32_t));
    int32_t *own_first = PyMem_Malloc((size_t)capacity * sizeof(int32_t)); /* linked list of own literals */
    int32_t *own_next = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(int32_t));
    int32_t *order = PyMem_Malloc((size_t)capacity * sizeof(int32_t));
    int32_t *own_last = PyMem_Malloc((size_t)capacity * sizeof(int32_t));
    self->depth = PyMem_Calloc((size_t)capacity, sizeof(int32_t));
    self->after_space = PyMem_Calloc((size_t)capacity, 1);
    self->spaced_ok = 1;
    int status = -1;
    if (!self->lengths || !child || !fail || !own_first || !own_next || !order || !own_last || !self->depth ||
        !self->after_space) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t k = 0; k < (size_t)capacity * (size_t)classes; k++) child[k] = -1;
    for (int32_t s = 0; s < capacity; s++) own_first[s] = own_last[s] = -1;
    int32_t states = 1;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        Py_ssize_t size = PyUnicode_GET_LENGTH(word);
        int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        const uint8_t *classmap = self->classmap;
        const Py_ssize_t wide_count = self->wide_count;
        const int word_start = self->word_start;
        int32_t state = 0;
        for (Py_ssize_t j = 0; j < size; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            int32_t *slot = &child[(size_t)state * classes + CLASS_OF(c)];
            if (*slot < 0) {
                self->depth[states] = (int32_t)j + 1;
                self->after_space[states] = c == ' ';
                *slot = states++;
            }
            state = *slot;
        }
        if (is_spacing(PyUnicode_READ(kind, data, 0)) || is_spacing(PyUnicode_READ(kind, data, size - 1)))
            self->spaced_ok = 0;
        self->lengths[i] = (int32_t)size;
        if (size > self->longest) self->longest = (int32_t)size;
        own_next[i] = -1; /* appended: a state's own literals stay in the order given */
        if (own_last[state] < 0)
            own_first[state] = (int32_t)i;
        else
            own_next[own_last[state]] = (int32_t)i;
        own_last[state] = (int32_t)i;
    }
    /* With word starts, the root stands for "at a word start" and one more state for "inside a word",
     * where no literal can begin: after a word character, the root's transitions lead there, and it stays
     * until a non-word character leads back to the root. A state's failure then falls back to the longest
     * suffix that begins at a word start (after a non-word character of the literal's prefix), which keeps
     * the walk off the states of literals that would begin inside a word: fewer states visited, and only
     * occurrences at word starts reported. */
    int32_t in_word = 0;
    if (self->word_start) {
        in_word = states++;
        for (int c = 0; c < classes; c++) child[(size_t)in_word * classes + c] = self->nonword[c] ? 0 : in_word;
    }
    /* Breadth first: failure links, then every missing transition through the failure state. */
    int32_t head = 0, tail = 0;
    for (int c = 0; c < classes; c++) {
        int32_t *slot = &child[c];
        int32_t empty = self->word_start && !self->nonword[c] ? in_word : 0;
        if (*slot < 0)
            *slot = empty;
        else {
            fail[*slot] = empty;
            order[tail++] = *slot;
        }
    }
    while (head < tail) {
        int32_t state = order[head++];
        for (int c = 0; c < classes; c++) {
            int32_t *slot = &child[(size_t)state * classes + c];
            int32_t via = child[(size_t)fail[state] * classes + c];
            if (*slot < 0)
                *slot = via;
            else {
                fail[*slot] = via;
                order[tail++] = *slot;
            }
        }
    }
    /* Reported literals: a state's own, then its failure state's (already complete: breadth first). */
    self->states = states;
    self->out_start = PyMem_Malloc(((size_t)states + 1) * sizeof(int32_t));
    if (!self->out_start) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t reported = 0;
    /* Counting pass in breadth-first order so a failure state's count is known before its users'. */
    int32_t *size_of = PyMem_Calloc((size_t)states, sizeof(int32_t));
    if (!size_of) {
        PyErr_NoMemory();
        goto done;
    }
    for (int32_t k = -1; k < tail; k++) {
        int32_t state = k < 0 ? 0 : order[k];
        int32_t own = 0;
        for (int32_t w = own_first[state]; w >= 0; w = own_next[w]) own++;
        size_of[state] = own + (state == 0 ? 0 : size_of[fail[state]]);
        reported += size_of[state];
    }
    if (reported >= INT32_MAX) {
        PyMem_Free(size_of);
        PyErr_SetString(PyExc_ValueError, "too many reported literals");
        goto done;
    }
    int32_t at = 0;
    for (int32_t s = 0; s < states; s++) {
        self->out_start[s] = at;
        at += size_of[s];
    }
    self->out_start[states] = at;
    self->out = PyMem_Malloc((size_t)(at ? at : 1) * sizeof(int32_t));
    if (!self->out) {
        PyMem_Free(size_of);
        PyErr_NoMemory();
        goto done;
    }
    for (int32_t k = -1; k < tail; k++) {
        int32_t state = k < 0 ? 0 : order[k];
        int32_t put = self->out_start[state];
        for (int32_t w = own_first[state]; w >= 0; w = own_next[w]) self->out[put++] = w;
        if (state != 0) {
            int32_t from = fail[state];
            for (int32_t j = self->out_start[from]; j < self->out_start[from + 1]; j++) self->out[put++] = self->out[j];
        }
    }
    PyMem_Free(size_of);
    if (renumber(self, child, order, tail, in_word) < 0) goto done;
    status = 0;
done:
    PyMem_Free(child);
    PyMem_Free(fail);
    PyMem_Free(own_first);
    PyMem_Free(own_next);
    PyMem_Free(order);
    PyMem_Free(own_last);
    return status;
}

static int set_groups(Automaton *self, PyObject *groups) {
    if (PyList_GET_SIZE(groups) != self->words) {
        PyErr_SetString(PyExc_ValueError, "groups: one list of group numbers per literal");
        return -1;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < self->words; i++) {
        PyObject *of = PyList_GET_ITEM(groups, i);
        if (!PyList_Check(of)) {
            PyErr_SetString(PyExc_TypeError, "groups: one list of group numbers per literal");
            return -1;
        }
        total += PyList_GET_SIZE(of);
    }
    self->group_start = PyMem_Malloc(((size_t)self->words + 1) * sizeof(int32_t));
    self->group_of = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(int32_t));
    if (!self->group_start || !self->group_of) {
        PyErr_NoMemory();
        return -1;
    }
    int32_t at = 0;
    self->groups = 0;
    for (Py_ssize_t i = 0; i < self->words; i++) {
        PyObject *of = PyList_GET_ITEM(groups, i);
        self->group_start[i] = at;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(of); j++) {
            long group = PyLong_AsLong(PyList_GET_ITEM(of, j));
            if (group < 0 || group >= INT32_MAX) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "groups: numbers must be >= 0");
                return -1;
            }
            self->group_of[at++] = (int32_t)group;
            if (group + 1 > self->groups) self->groups = group + 1;
        }
    }
    self->group_start[self->words] = at;
    self->alone = PyMem_Calloc((size_t)(self->groups ? self->groups : 1), 1);
    if (!self->alone) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static int set_alone(Automaton *self, PyObject *alone) {
    if (!PyList_Check(alone)) {
        PyErr_SetString(PyExc_TypeError, "alone: a list of group numbers");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(alone); i++) {
        long group = PyLong_AsLong(PyList_GET_ITEM(alone, i));
        if (group < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "alone: numbers must be >= 0");
            return -1;
        }
        if (group < self->groups) self->alone[group] = 1; /* else a group no literal is in */
    }
    return 0;
}

#define EMIT_ALONE 0x8000u
#define EMIT_GROUPS 0x8000 /* groups below this fit an emit */

/* `emits` of a grouped automaton, once its groups and their flags are set; left NULL (the general path)
 * when a literal is too long or a group number too high to pack. Returns -1 on no memory. */
static int build_emits(Automaton *self) {
    if (self->groups >= EMIT_GROUPS || self->longest >= 0x10000) return 0;
    const int32_t reporting = self->states - (int32_t)self->first_match;
    Py_ssize_t total = 0;
    for (int32_t s = (int32_t)self->first_match; s < self->states; s++)
        for (int32_t j = self->out_start[s]; j < self->out_start[s + 1]; j++) {
            int32_t w = self->out[j];
            total += self->group_start[w + 1] - self->group_start[w];
        }
    self->emit_start = PyMem_Malloc(((size_t)reporting + 1) * sizeof(int32_t));
    self->emits = PyMem_Malloc((size_t)(total ? total : 1) * sizeof(uint32_t));
    if (self->emit_start == NULL || self->emits == NULL) {
        PyMem_Free(self->emit_start);
        PyMem_Free(self->emits);
        self->emit_start = NULL;
        self->emits = NULL;
        PyErr_NoMemory();
        return -1;
    }
    int32_t at = 0;
    for (int32_t s = (int32_t)self->first_match; s < self->states; s++) {
        self->emit_start[s - (int32_t)self->first_match] = at;
        for (int32_t j = self->out_start[s]; j < self->out_start[s + 1]; j++) {
            int32_t w = self->out[j];
            for (int32_t k = self->group_start[w]; k < self->group_start[w + 1]; k++) {
                int32_t group = self->group_of[k];
                self->emits[at++] =
                    ((uint32_t)self->lengths[w] << 16) | (self->alone[group] ? EMIT_ALONE : 0) | (uint32_t)group;
            }
        }
    }
    self->emit_start[reporting] = at;
    return 0;
}

static int Automaton_init(Automaton *self, PyObject *args, PyObject *kwargs) {
    static char *keywords[] = {"words", "groups", "alone", "word_start", NULL};
    PyObject *words, *groups = Py_None, *alone = Py_None;
    int word_start = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O!|OOp", keywords, &PyList_Type, &words, &groups, &alone,
                                     &word_start))
        return -1;
    if (alone != Py_None && groups == Py_None) {
        PyErr_SetString(PyExc_ValueError, "alone: the automaton needs groups");
        return -1;
    }
    if (self->delta != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Automaton is already built");
        return -1;
    }
    self->word_start = word_start;
    if (build(self, words) < 0) return -1;
    if (groups != Py_None) {
        if (!PyList_Check(groups)) {
            PyErr_SetString(PyExc_TypeError, "groups: one list of group numbers per literal");
            return -1;
        }
        if (set_groups(self, groups) < 0) return -1;
        if (alone != Py_None && set_alone(self, alone) < 0) return -1;
        return build_emits(self);
    }
    return 0;
}

/* Arguments of the METH_FASTCALL methods (`PyArg_ParseTuple` and the argument tuple it needs cost more
 * than a call on an empty group does): `spec` holds 'U' for a str, 'n' for an int, and '|' before the
 * optional ones, which the caller has set to their defaults. */
static int parse_args(const char *name, PyObject *const *args, Py_ssize_t nargs, const char *spec, ...) {
    va_list out;
    Py_ssize_t required = -1, total = 0;
    for (const char *c = spec; *c; c++)
        if (*c == '|')
            required = total;
        else
            total++;
    if (required < 0) required = total;
    if (nargs < required || nargs > total) {
        if (required == total)
            PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name, total, nargs);
        else
            PyErr_Format(PyExc_TypeError, "%s takes %zd to %zd arguments (%zd given)", name, required, total, nargs);
        return -1;
    }
    va_start(out, spec);
    Py_ssize_t i = 0;
    for (const char *c = spec; *c && i < nargs; c++) {
        if (*c == '|') continue;
        if (*c == 'U') {
            if (!PyUnicode_Check(args[i])) {
                PyErr_Format(PyExc_TypeError, "%s: argument %zd must be str", name, i + 1);
                va_end(out);
                return -1;
            }
            *va_arg(out, PyObject **) = args[i];
        } else {
            Py_ssize_t value = PyNumber_AsSsize_t(args[i], PyExc_OverflowError);
            if (value == -1 && PyErr_Occurred()) {
                va_end(out);
                return -1;
            }
            *va_arg(out, Py_ssize_t *) = value;
        }
        i++;
    }
    va_end(out);
    return 0;
}

/* Runs LOOP(TYPE), a scanning loop over the text's storage, for the text's kind of `str`. */
#define BY_KIND(kind, LOOP)                 \
    do {                                    \
        switch (kind) {                     \
        case PyUnicode_1BYTE_KIND:          \
            LOOP(Py_UCS1);                  \
            break;                          \
        case PyUnicode_2BYTE_KIND:          \
            LOOP(Py_UCS2);                  \
            break;                          \
        default:                            \
            LOOP(Py_UCS4);                  \
            break;                          \
        }                                   \
    } while (0)

/* Calls `emit(context, literal, start, end)` for every occurrence in text[pos:end]; stops on < 0. */
typedef int (*Emit)(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end);

/* The automaton's tables as locals, for STEP and CLASS_OF in a scanning loop. */
#define AUTOMATON_TABLES(self)                               \
    const uint32_t *delta = (self)->delta;                   \
    const uint32_t *const *rows = (self)->rows;              \
    const Py_ssize_t wide_count = (self)->wide_count;        \
    const int word_start = (self)->word_start;               \
    const size_t states = (size_t)(self)->states;            \
    const uint32_t first_match = (self)->first_match

/* The row of `delta` for character `c`'s class: for ASCII read from `rows`, apart from the state, so the
 * load of the step before is all a step waits for. */
#define ROW_OF(c) \
    ((c) < 128 ? rows[c] : delta + (size_t)((wide_count | word_start) ? wide_class(self, (c)) : 0) * states)

/* One step of the automaton on character `c`: `state` moves to the next state. Every scanning loop walks
 * with it; MATCHED tells whether literals end at `c`. */
#define STEP(state, c) (state) = ROW_OF(c)[(state)]
#define MATCHED(state) ((state) >= first_match)

typedef struct {
    Automaton *automaton;
    Buffer *hits; /* (group, start << 32 | end) pairs, as found */
    int kind;
    const void *data;
    Py_ssize_t size;
} Grouping;

static inline int is_ascii_letter(Py_UCS4 c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }

/* Whether text[start:end] has an ASCII letter next to it: an occurrence an "alone" group drops. */
static inline int next_to_letter(const Grouping *grouping, Py_ssize_t start, Py_ssize_t end) {
    return (start > 0 && is_ascii_letter(PyUnicode_READ(grouping->kind, grouping->data, start - 1))) ||
           (end < grouping->size && is_ascii_letter(PyUnicode_READ(grouping->kind, grouping->data, end)));
}

/* Pushes one occurrence of `group` onto the scan's hits. */
static inline int push_grouped(Grouping *grouping, int64_t group, Py_ssize_t start, Py_ssize_t end) {
    return buffer_push(grouping->hits, group) < 0 ||
                   buffer_push(grouping->hits, ((int64_t)start << 32) | (int64_t)end) < 0
               ? -1
               : 0;
}

static int emit_grouped(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end);

/* `report` for `grouped`, from the state's packed emits (`build_emits`): what `emit_grouped` pushes for
 * each of its literals, in the same order. */
static int report_emits(const Automaton *self, uint32_t s, Py_ssize_t i, Py_ssize_t limit, Grouping *grouping) {
    const int32_t at = (int32_t)(s - self->first_match);
    const Py_ssize_t end = i + 1;
    int beside_letter = -1;       /* of the literal being pushed, worked out for its first "alone" group */
    uint32_t length = 0;
    for (int32_t k = self->emit_start[at]; k < self->emit_start[at + 1]; k++) {
        const uint32_t emit = self->emits[k];
        if (emit >> 16 != length) { /* the next literal: one length per literal of a state */
            length = emit >> 16;
            beside_letter = -1;
        }
        const Py_ssize_t start = end - (Py_ssize_t)length;
        if (start >= limit) continue;
        if (emit & EMIT_ALONE) {
            if (beside_letter < 0) beside_letter = next_to_letter(grouping, start, end);
            if (beside_letter) continue;
        }
        if (push_grouped(grouping, (int64_t)(emit & (EMIT_ALONE - 1)), start, end) < 0) return -1;
    }
    return 0;
}

/* Reports the literals of `state`, reached at text[i], that start before `limit`. */
static int report(const Automaton *self, uint32_t s, Py_ssize_t i, Py_ssize_t limit, Emit emit, void *context) {
    if (emit == emit_grouped && self->emits != NULL) return report_emits(self, s, i, limit, context);
    for (int32_t j = self->out_start[s]; j < self->out_start[s + 1]; j++) {
        int32_t w = self->out[j];
        Py_ssize_t start = i + 1 - self->lengths[w];
        if (start < limit && emit(context, w, start, i + 1) < 0) return -1;
    }
    return 0;
}

#define SCAN_LOOP(TYPE)                                                                               \
    do {                                                                                              \
        const TYPE *chars = (const TYPE *)data;                                                       \
        for (Py_ssize_t i = pos; i < stop; i++) {                                                     \
            STEP(state, chars[i]);                                                                    \
            if (MATCHED(state) && report(self, state, i, PY_SSIZE_T_MAX, emit, context) < 0) return -1; \
        }                                                                                             \
    } while (0)

/* `scan` in two halves at once, for callers that do not need the occurrences in order (`grouped` and
 * `starts` sort them). A step of the automaton waits on the load of the step before it; two independent
 * walks overlap those waits. The second starts at the middle from the root, so it finds exactly the
 * occurrences starting there or later; the first then goes on past the middle, reporting only those that
 * started before it, until its state stands for text wholly past the middle, where the two walks agree
 * (at most as many characters as the longest literal). */
#define SPLIT_MIN 256
#define SPLIT_LOOP(TYPE)                                                                                  \
    do {                                                                                                  \
        const TYPE *chars = (const TYPE *)data;                                                           \
        for (Py_ssize_t k = 0; k < half; k++) {                                                           \
            STEP(one, chars[pos + k]);                                                                    \
            STEP(two, chars[mid + k]);                                                                    \
            if (MATCHED(one) | MATCHED(two)) {                                                            \
                if (MATCHED(one) && report(self, one, pos + k, PY_SSIZE_T_MAX, emit, context) < 0) return -1; \
                if (MATCHED(two) && report(self, two, mid + k, PY_SSIZE_T_MAX, emit, context) < 0) return -1; \
            }                                                                                             \
        }                                                                                                 \
        for (Py_ssize_t i = mid + half; i < stop; i++) {                                                  \
            STEP(two, chars[i]);                                                                          \
            if (MATCHED(two) && report(self, two, i, PY_SSIZE_T_MAX, emit, context) < 0) return -1;       \
        }                                                                                                 \
        for (Py_ssize_t i = mid; i < stop; i++) {                                                         \
            STEP(one, chars[i]);                                                                          \
            if (self->depth[one] <= i + 1 - mid) break;                                                   \
            if (MATCHED(one) && report(self, one, i, mid, emit, context) < 0) return -1;                  \
        }                                                                                                 \
    } while (0)

static int scan(Automaton *self, PyObject *text, Py_ssize_t pos, Py_ssize_t stop, Emit emit, void *context);

/* The state a walk from text[pos] starts in: the root, or with word starts the state inside a word when
 * a word character comes before. */
static inline uint32_t initial_state(const Automaton *self, int kind, const void *data, Py_ssize_t pos) {
    return self->word_start && pos > 0 && is_word(PyUnicode_READ(kind, data, pos - 1)) ? self->in_word : 0;
}

static int scan_unordered(Automaton *self, PyObject *text, Py_ssize_t pos, Py_ssize_t stop, Emit emit,
                          void *context) {
    if (stop - pos < SPLIT_MIN) return scan(self, text, pos, stop, emit, context);
    AUTOMATON_TABLES(self);
    const Py_ssize_t half = (stop - pos) / 2, mid = pos + half;
    const void *data = PyUnicode_DATA(text);
    uint32_t one = initial_state(self, PyUnicode_KIND(text), data, pos);
    uint32_t two = initial_state(self, PyUnicode_KIND(text), data, mid);
    BY_KIND(PyUnicode_KIND(text), SPLIT_LOOP);
    return 0;
}

static int scan(Automaton *self, PyObject *text, Py_ssize_t pos, Py_ssize_t stop, Emit emit, void *context) {
    AUTOMATON_TABLES(self);
    const void *data = PyUnicode_DATA(text);
    uint32_t state = initial_state(self, PyUnicode_KIND(text), data, pos);
    BY_KIND(PyUnicode_KIND(text), SCAN_LOOP);
    return 0;
}

static int bounds(PyObject *text, Py_ssize_t *pos, Py_ssize_t *stop) {
    if (PyUnicode_READY(text) < 0) return -1;
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    if (*pos < 0) *pos = 0;
    if (*stop < 0 || *stop > size) *stop = size;
    if (*pos > *stop) *pos = *stop;
    return 0;
}

/* A tuple of three ints (`Py_BuildValue` parses its format string at every call). */
static PyObject *int_triple(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c) {
    PyObject *tuple = PyTuple_New(3);
    if (tuple == NULL) return NULL;
    Py_ssize_t values[3] = {a, b, c};
    for (int k = 0; k < 3; k++) {
        PyObject *value = PyLong_FromSsize_t(values[k]);
        if (value == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, k, value);
    }
    return tuple;
}

static int emit_tuple(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end) {
    PyObject *item = int_triple(literal, start, end);
    if (item == NULL) return -1;
    int status = PyList_Append((PyObject *)context, item);
    Py_DECREF(item);
    return status;
}

static PyObject *Automaton_positions(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    Py_ssize_t pos = 0, stop = -1;
    if (parse_args("positions", args, nargs, "U|nn", &text, &pos, &stop) < 0) return NULL;
    if (bounds(text, &pos, &stop) < 0) return NULL;
    PyObject *found = PyList_New(0);
    if (found == NULL) return NULL;
    if (scan(self, text, pos, stop, emit_tuple, found) < 0) {
        Py_DECREF(found);
        return NULL;
    }
    return found;
}

static int emit_packed(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end) {
    (void)literal;
    return buffer_push((Buffer *)context, ((int64_t)start << 32) | (int64_t)end);
}

static int compare_packed(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static PyObject *int_list(const int64_t *items, Py_ssize_t count, int high) {
    PyObject *list = PyList_New(count);
    if (list == NULL) return NULL;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *value = PyLong_FromLongLong(high ? items[i] >> 32 : items[i] & 0xffffffff);
        if (value == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, value);
    }
    return list;
}

/* Sorts a few packed occurrences in place: a group holds a handful, for which insertion beats `qsort`
 * (glibc's allocates and calls the comparison through a pointer). */
static void sort_packed(int64_t *items, Py_ssize_t count) {
    if (count > 32) {
        qsort(items, (size_t)count, sizeof(int64_t), compare_packed);
        return;
    }
    for (Py_ssize_t i = 1; i < count; i++) {
        int64_t item = items[i];
        Py_ssize_t j = i;
        for (; j > 0 && items[j - 1] > item; j--) items[j] = items[j - 1];
        items[j] = item;
    }
}

static PyObject *Automaton_starts(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    Py_ssize_t pos = 0, stop = -1;
    if (parse_args("starts", args, nargs, "U|nn", &text, &pos, &stop) < 0) return NULL;
    if (bounds(text, &pos, &stop) < 0) return NULL;
    Buffer found = {0};
    if (scan_unordered(self, text, pos, stop, emit_packed, &found) < 0) {
        PyMem_Free(found.items);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < found.size; i++) found.items[i] &= ~(int64_t)0xffffffff; /* starts only */
    sort_packed(found.items, found.size);
    Py_ssize_t unique = 0;
    for (Py_ssize_t i = 0; i < found.size; i++)
        if (unique == 0 || found.items[unique - 1] != found.items[i]) found.items[unique++] = found.items[i];
    PyObject *result = int_list(found.items, unique, 1);
    PyMem_Free(found.items);
    return result;
}

static int emit_grouped(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end) {
    Grouping *grouping = context;
    Automaton *self = grouping->automaton;
    int beside_letter = -1; /* worked out for the first group that asks */
    for (int32_t j = self->group_start[literal]; j < self->group_start[literal + 1]; j++) {
        int32_t group = self->group_of[j];
        if (self->alone[group]) {
            if (beside_letter < 0) beside_letter = next_to_letter(grouping, start, end);
            if (beside_letter) continue;
        }
        if (push_grouped(grouping, group, start, end) < 0) return -1;
    }
    return 0;
}

/* The occurrences of one text's scan, by group, sorted by start then end, packed start << 32 | end:
 * kept natively, so that a group nobody asks about costs no Python objects. All groups' occurrences lie
 * in one array, group after group (`offsets`): a scan is three allocations, whatever its groups, and a
 * scan dropped from the cache frees two. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t groups;
    Py_ssize_t *offsets; /* groups + 1: group g's occurrences are items[offsets[g]:offsets[g + 1]] */
    int64_t *items;
    Py_ssize_t size;     /* of the text */
} Scan;

static void Scan_dealloc(Scan *self) {
    PyMem_Free(self->offsets);
    PyMem_Free(self->items);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A group's occurrences: `*count` of them from the pointer returned. */
static const int64_t *scan_group(Scan *self, Py_ssize_t group, Py_ssize_t *count) {
    if (group < 0 || group >= self->groups) {
        *count = 0;
        return NULL;
    }
    *count = self->offsets[group + 1] - self->offsets[group];
    return self->items + self->offsets[group];
}

static PyObject *Scan_starts(Scan *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t group, pos = 0, end = -1, count;
    if (parse_args("starts", args, nargs, "n|nn", &group, &pos, &end) < 0) return NULL;
    const int64_t *found = scan_group(self, group, &count);
    if (count == 0) return PyList_New(0); /* most groups, in most texts */
    if (end < 0 || end > self->size) end = self->size;
    Py_ssize_t first = 0;
    if (pos > 0) BISECT_LEFT(found, count, (int64_t)pos << 32, first); /* on the starts */
    PyObject *list = PyList_New(0);
    if (list == NULL) return NULL;
    for (Py_ssize_t i = first; i < count; i++) {
        if ((found[i] & 0xffffffff) > end) continue;
        PyObject *value = PyLong_FromLongLong(found[i] >> 32);
        if (value == NULL || PyList_Append(list, value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(value);
    }
    return list;
}

static PyObject *Scan_spans(Scan *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_ssize_t group, count;
    if (parse_args("spans", args, nargs, "n", &group) < 0) return NULL;
    const int64_t *found = scan_group(self, group, &count);
    PyObject *starts = int_list(found, count, 1);
    PyObject *ends = starts ? int_list(found, count, 0) : NULL;
    PyObject *pair = ends ? PyTuple_Pack(2, starts, ends) : NULL;
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    return pair;
}

/* The groups holding any occurrence, as the bits of an int (bit g for group g): what a rule that tries
 * several patterns over a short text reads once, instead of asking each pattern's group in turn. */
static PyObject *Scan_present(Scan *self, PyObject *Py_UNUSED(ignored)) {
    const size_t bytes = (size_t)self->groups / 8 + 1;
    unsigned char *bits = PyMem_Calloc(bytes, 1);
    if (bits == NULL) return PyErr_NoMemory();
    for (Py_ssize_t g = 0; g < self->groups; g++)
        if (self->offsets[g + 1] > self->offsets[g]) bits[g / 8] |= (unsigned char)(1u << (g % 8));
    PyObject *mask = _PyLong_FromByteArray(bits, bytes, 1 /* little endian */, 0 /* unsigned */);
    PyMem_Free(bits);
    return mask;
}

static PyMethodDef Scan_methods[] = {
    {"present", (PyCFunction)Scan_present, METH_NOARGS,
     "present(): the groups holding any occurrence, as the bits of an int (bit g for group g)."},
    {"starts", (PyCFunction)(void (*)(void))Scan_starts, METH_FASTCALL,
     "starts(group, pos=0, end=-1): sorted start of every occurrence of the group's literals lying wholly "
     "within text[pos:end]."},
    {"spans", (PyCFunction)(void (*)(void))Scan_spans, METH_FASTCALL, "spans(group): (starts, ends), by start then end."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ScanType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "extract.rules._scan.Scan",
    .tp_basicsize = sizeof(Scan),
    .tp_dealloc = (destructor)Scan_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The occurrences of one grouped scan (Automaton.grouped), by group.",
    .tp_methods = Scan_methods,
};

static PyObject *Automaton_grouped(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *text;
    if (parse_args("grouped", args, nargs, "U", &text) < 0) return NULL;
    if (self->group_start == NULL) {
        PyErr_SetString(PyExc_ValueError, "grouped: the automaton was built without groups");
        return NULL;
    }
    Py_ssize_t pos = 0, stop = -1;
    if (bounds(text, &pos, &stop) < 0) return NULL;
    Buffer hits = {0};
    Grouping grouping = {self, &hits, PyUnicode_KIND(text), PyUnicode_DATA(text), stop};
    if (scan_unordered(self, text, pos, stop, emit_grouped, &grouping) < 0) {
        PyMem_Free(hits.items);
        return NULL;
    }
    /* Counting sort by group, then each group's occurrences by start and end. */
    const Py_ssize_t groups = self->groups, found = hits.size / 2;
    Scan *result = PyObject_New(Scan, &ScanType);
    if (result == NULL) {
        PyMem_Free(hits.items);
        return NULL;
    }
    result->size = stop;
    result->groups = groups;
    result->offsets = PyMem_Calloc((size_t)groups + 1, sizeof(Py_ssize_t));
    result->items = PyMem_Malloc((size_t)(found ? found : 1) * sizeof(int64_t));
    if (result->offsets == NULL || result->items == NULL) {
        PyMem_Free(hits.items);
        Py_DECREF(result);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t i = 0; i < found; i++) result->offsets[hits.items[2 * i] + 1]++;
    for (Py_ssize_t g = 0; g < groups; g++) result->offsets[g + 1] += result->offsets[g];
    for (Py_ssize_t i = 0; i < found; i++) /* placed from each group's end, which ends at its start */
        result->items[--result->offsets[hits.items[2 * i] + 1]] = hits.items[2 * i + 1];
    PyMem_Free(hits.items);
    /* Placing moved each group's offset back to its start: offsets[g + 1] is group g's first. */
    for (Py_ssize_t g = 0; g < groups; g++) result->offsets[g] = result->offsets[g + 1];
    result->offsets[groups] = found;
    for (Py_ssize_t g = 0; g < groups; g++)
        sort_packed(result->items + result->offsets[g], result->offsets[g + 1] - result->offsets[g]);
    return (PyObject *)result;
}

/* An occurrence for `longest_first`: `at`, its place among those given (the first of equals wins);
 * `word`, the literal it is of. */
typedef struct {
    Py_ssize_t start, end, at, word;
} Hit;

static int compare_hits(const void *a, const void *b) {
    const Hit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1; /* the longest first */
    return (x->at > y->at) - (x->at < y->at);
}

/* Sorts `hits` (start, then the longest first, then as given) and moves the ones `longest_first` keeps to
 * the front, in order; returns how many. */
static Py_ssize_t keep_longest(Hit *hits, Py_ssize_t count) {
    if (count > 32)
        qsort(hits, (size_t)count, sizeof(Hit), compare_hits);
    else /* insertion: a posting has a few dozen hits, for which glibc's qsort allocates */
        for (Py_ssize_t i = 1; i < count; i++) {
            Hit hit = hits[i];
            Py_ssize_t j = i;
            for (; j > 0 && compare_hits(&hits[j - 1], &hit) > 0; j--) hits[j] = hits[j - 1];
            hits[j] = hit;
        }
    Py_ssize_t kept = 0, reach = -1;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (i > 0 && hits[i].start == hits[i - 1].start) continue; /* shorter, or given later */
        if (hits[i].start < reach) continue;
        reach = hits[i].end;
        hits[kept++] = hits[i]; /* kept <= i: nothing still to be read is overwritten */
    }
    return kept;
}

/* The hits `longest_first` keeps, as new (start, end, word) tuples; sorts `hits`. */
static PyObject *longest_first_of(Hit *hits, Py_ssize_t count) {
    Py_ssize_t kept = keep_longest(hits, count);
    PyObject *found = PyList_New(kept);
    for (Py_ssize_t i = 0; found != NULL && i < kept; i++) {
        PyObject *item = int_triple(hits[i].start, hits[i].end, hits[i].word);
        if (item == NULL)
            Py_CLEAR(found);
        else
            PyList_SET_ITEM(found, i, item);
    }
    return found;
}

/* Whole words: see `patterns.WordAutomaton.hits`, whose pure-Python twin this is. Hits are found in a
 * haystack with the text's offsets (its lower case) and their boundaries checked in the text. */
typedef struct {
    int tkind;
    const void *tdata;
    Py_ssize_t tsize;
    PyObject *not_before;
    PyObject *found; /* kept hits as (start, end, literal) tuples, */
    Buffer *kept;    /* or, when this is set, as start, end, literal in a row */
} Words;

/* The boundaries in the text as written; kept hits are appended as (start, end, literal). */
static int accept_in_text(Words *words, int32_t literal, Py_ssize_t start, Py_ssize_t end) {
    if (start > 0) {
        Py_UCS4 before = PyUnicode_READ(words->tkind, words->tdata, start - 1);
        if (is_word(before)) return 0;
        if (PyUnicode_FindChar(words->not_before, before, 0, PyUnicode_GET_LENGTH(words->not_before), 1) >= 0)
            return 0;
    }
    if (end < words->tsize && is_word(PyUnicode_READ(words->tkind, words->tdata, end))) return 0;
    if (words->kept != NULL)
        return buffer_push(words->kept, start) < 0 || buffer_push(words->kept, end) < 0 ||
                       buffer_push(words->kept, literal) < 0
                   ? -1
                   : 0;
    PyObject *item = int_triple(start, end, literal);
    if (item == NULL) return -1;
    int status = PyList_Append(words->found, item);
    Py_DECREF(item);
    return status;
}

static int emit_word(void *context, int32_t literal, Py_ssize_t start, Py_ssize_t end) {
    return accept_in_text((Words *)context, literal, start, end);
}

static PyObject *Automaton_word_hits(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *haystack, *text, *not_before;
    if (parse_args("word_hits", args, nargs, "UUU", &haystack, &text, &not_before) < 0) return NULL;
    if (PyUnicode_READY(haystack) < 0 || PyUnicode_READY(text) < 0 || PyUnicode_READY(not_before) < 0) return NULL;
    if (PyUnicode_GET_LENGTH(haystack) != PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "word_hits: the haystack must be as long as the text");
        return NULL;
    }
    Words words = {0};
    words.tkind = PyUnicode_KIND(text);
    words.tdata = PyUnicode_DATA(text);
    words.tsize = PyUnicode_GET_LENGTH(text);
    words.not_before = not_before;
    words.found = PyList_New(0);
    if (words.found == NULL) return NULL;
    if (scan(self, haystack, 0, words.tsize, emit_word, &words) < 0) Py_CLEAR(words.found);
    return words.found;
}


/* `word_hits` over the haystack `patterns.spaced(lower)` would make, without making it.
 *
 * With `spaced_tables` (every automaton whose literals neither begin nor end with a spacing character):
 * the walk reads `lower` as it is, through a class map that gives every spacing character the class of
 * " " and a table in which each state standing for a prefix that ends with a space stays put on another
 * one, so a run of spacing characters moves the automaton as one space would, and the loop is nothing
 * but the automaton's steps. A hit's start is found by walking its literal's length back over the text,
 * a run of spacing counting once. Otherwise the scan feeds the automaton character by character,
 * skipping the rest of each run and keeping the text offsets of the last characters it fed in a ring (no
 * literal is longer than the ring).
 *
 * The haystack's own boundary checks are the same as checks on `lower` next to the hit (a skipped
 * character is spacing, as is the space kept for it) and are made, like the Python path makes them, only
 * when some run was collapsed. */
#define SPACED_CHECKS(TYPE)                                                                             \
    if (collapsed) {                                                                                    \
        if (start > 0 && is_word(chars[start - 1])) continue;                                           \
        Py_ssize_t next = end; /* the haystack's next character: after the rest of a run */             \
        if (spacing)                                                                                    \
            while (next < size && is_spacing(chars[next])) next++;                                      \
        if (next < size && is_word(chars[next])) continue;                                              \
    }                                                                                                   \
    if (accept_in_text(words, w, start, end) < 0) return -1

/* The hits of `state`, reached at chars[i], that start before `limit`: each start found by walking its
 * literal's length back over the text, a run of spacing counting once. */
#define SPACED_REPORT(TYPE, state, i, limit)                                                          \
    for (int32_t j = self->out_start[state]; j < self->out_start[(state) + 1]; j++) {                \
        int32_t w = self->out[j];                                                                     \
        Py_ssize_t start = (i), end = (i) + 1;                                                        \
        for (int32_t left = self->lengths[w] - 1; left > 0; left--) {                                 \
            start--;                                                                                  \
            if (is_spacing(chars[start]))                                                             \
                while (start > 0 && is_spacing(chars[start - 1])) start--;                            \
        }                                                                                             \
        if (start >= (limit)) continue;                                                               \
        SPACED_CHECKS(TYPE);                                                                          \
    }

#define SPACED_SCAN(NAME, TYPE)                                                                      \
    static int NAME(Automaton *self, const TYPE *chars, Py_ssize_t size, Py_ssize_t *ring, Py_ssize_t mask, \
                    Words *words) {                                                                     \
        int collapsed = 0;                                                                              \
        for (Py_ssize_t i = 1; i < size && !collapsed; i++)                                             \
            collapsed = is_spacing(chars[i]) && is_spacing(chars[i - 1]);                               \
        if (self->spaced_delta != NULL) {                                                               \
            const uint32_t *delta = self->spaced_delta;                                                 \
            const uint32_t *const *rows = self->spaced_rows;                                            \
            const Py_ssize_t wide_count = self->wide_count;                                             \
            const int word_start = self->word_start;                                                    \
            const size_t states = (size_t)self->states;                                                 \
            const uint32_t first_match = self->first_match;                                             \
            const int spacing = 0; /* no literal ends with one */                                       \
            if (words->kept == NULL || size < SPLIT_MIN) {                                              \
                uint32_t state = 0;                                                                     \
                for (Py_ssize_t i = 0; i < size; i++) {                                                 \
                    STEP(state, chars[i]);                                                              \
                    if (MATCHED(state)) SPACED_REPORT(TYPE, state, i, PY_SSIZE_T_MAX);                  \
                }                                                                                       \
                return 0;                                                                               \
            }                                                                                           \
            /* Hits kept unboxed are sorted afterwards: the text is walked in two halves at once, as  \
             * `scan_unordered` walks it, the first walk going on past the middle until its state     \
             * stands for haystack characters all past it (a run of spacing counts once). */           \
            const Py_ssize_t half = size / 2, mid = half;                                               \
            uint32_t one = 0, two = word_start && is_word(chars[mid - 1]) ? self->in_word : 0;          \
            for (Py_ssize_t k = 0; k < half; k++) {                                                     \
                STEP(one, chars[k]);                                                                    \
                STEP(two, chars[mid + k]);                                                              \
                if (MATCHED(one) | MATCHED(two)) {                                                      \
                    if (MATCHED(one)) SPACED_REPORT(TYPE, one, k, PY_SSIZE_T_MAX);                      \
                    if (MATCHED(two)) SPACED_REPORT(TYPE, two, mid + k, PY_SSIZE_T_MAX);                \
                }                                                                                       \
            }                                                                                           \
            for (Py_ssize_t i = mid + half; i < size; i++) {                                            \
                STEP(two, chars[i]);                                                                    \
                if (MATCHED(two)) SPACED_REPORT(TYPE, two, i, PY_SSIZE_T_MAX);                          \
            }                                                                                           \
            Py_ssize_t fed = 0; /* haystack characters from the middle on */                            \
            for (Py_ssize_t i = mid; i < size; i++) {                                                   \
                STEP(one, chars[i]);                                                                    \
                fed += !(is_spacing(chars[i]) && is_spacing(chars[i - 1]));                            \
                if (self->depth[one] <= fed) break;                                                     \
                if (MATCHED(one)) SPACED_REPORT(TYPE, one, i, mid);                                     \
            }                                                                                           \
            return 0;                                                                                   \
        }                                                                                               \
        AUTOMATON_TABLES(self);                                                                         \
        uint32_t state = 0;                                                                             \
        Py_ssize_t fed = 0;                                                                             \
        int spacing = 0;                                                                                \
        for (Py_ssize_t i = 0; i < size; i++) {                                                         \
            Py_UCS4 c = chars[i];                                                                       \
            if (is_spacing(c)) {                                                                        \
                if (spacing) continue;                                                                  \
                spacing = 1;                                                                            \
                c = ' ';                                                                                \
            } else                                                                                      \
                spacing = 0;                                                                            \
            ring[fed & mask] = i;                                                                       \
            fed++;                                                                                      \
            STEP(state, c);                                                                             \
            if (!MATCHED(state)) continue;                                                              \
            for (int32_t j = self->out_start[state]; j < self->out_start[state + 1]; j++) {             \
                int32_t w = self->out[j];                                                               \
                Py_ssize_t start = ring[(fed - self->lengths[w]) & mask], end = i + 1;                  \
                SPACED_CHECKS(TYPE);                                                                    \
            }                                                                                           \
        }                                                                                               \
        return 0;                                                                                       \
    }

/* The tables of the spaced walk, made once: every spacing character in the class of " ", and each state
 * that stands for a prefix ending with a space staying put on a space (in the haystack a space is never
 * followed by another; in `lower` the rest of a run follows). Literals that begin or end with a spacing
 * character would need more states; their automata keep the ring scan. Returns -1 on no memory. */
static int spaced_tables(Automaton *self) {
    if (self->spaced_delta != NULL || !self->spaced_ok) return 0;
    size_t cells = (size_t)self->states * (size_t)self->classes;
    uint32_t *delta = PyMem_Malloc(cells * sizeof(uint32_t));
    if (delta == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(delta, self->delta, cells * sizeof(uint32_t));
    const uint8_t space = self->classmap[' '];
    for (int32_t state = 0; state < self->states; state++)
        if (self->after_space[state]) delta[(size_t)space * self->states + state] = (uint32_t)state;
    for (int c = 0; c < 128; c++)
        self->spaced_rows[c] = delta + (size_t)(is_spacing((Py_UCS4)c) ? space : self->classmap[c]) * self->states;
    self->spaced_delta = delta;
    return 0;
}

SPACED_SCAN(spaced_scan_ucs1, Py_UCS1)
SPACED_SCAN(spaced_scan_ucs2, Py_UCS2)
SPACED_SCAN(spaced_scan_ucs4, Py_UCS4)

/* The spaced walk over `lower`, its hits checked in `text` (of the same length) into `words`. */
static int spaced_walk(Automaton *self, const char *name, PyObject *lower, PyObject *text, PyObject *not_before,
                       Words *words) {
    if (PyUnicode_READY(lower) < 0 || PyUnicode_READY(text) < 0 || PyUnicode_READY(not_before) < 0) return -1;
    Py_ssize_t size = PyUnicode_GET_LENGTH(lower);
    if (PyUnicode_GET_LENGTH(text) != size) {
        PyErr_Format(PyExc_ValueError, "%s: the lower case must be as long as the text", name);
        return -1;
    }
    words->tkind = PyUnicode_KIND(text);
    words->tdata = PyUnicode_DATA(text);
    words->tsize = size;
    words->not_before = not_before;
    if (spaced_tables(self) < 0) return -1;
    Py_ssize_t ring_size = 1;
    while (ring_size <= self->longest) ring_size *= 2;
    Py_ssize_t *ring = PyMem_Malloc((size_t)ring_size * sizeof(Py_ssize_t));
    if (ring == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    const void *data = PyUnicode_DATA(lower);
    int status;
    switch (PyUnicode_KIND(lower)) {
    case PyUnicode_1BYTE_KIND:
        status = spaced_scan_ucs1(self, (const Py_UCS1 *)data, size, ring, ring_size - 1, words);
        break;
    case PyUnicode_2BYTE_KIND:
        status = spaced_scan_ucs2(self, (const Py_UCS2 *)data, size, ring, ring_size - 1, words);
        break;
    default:
        status = spaced_scan_ucs4(self, (const Py_UCS4 *)data, size, ring, ring_size - 1, words);
        break;
    }
    PyMem_Free(ring);
    return status;
}

static PyObject *Automaton_spaced_word_hits(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *lower, *text, *not_before;
    if (parse_args("spaced_word_hits", args, nargs, "UUU", &lower, &text, &not_before) < 0) return NULL;
    Words words = {0};
    words.found = PyList_New(0);
    if (words.found == NULL) return NULL;
    if (spaced_walk(self, "spaced_word_hits", lower, text, not_before, &words) < 0) Py_CLEAR(words.found);
    return words.found;
}

/* `patterns.as_written`: whether text[start:end] is `word` as written, a run of hyphens and whitespace
 * standing for each of its spaces. */
static int as_written(int kind, const void *data, Py_ssize_t start, Py_ssize_t end, PyObject *word) {
    const int wkind = PyUnicode_KIND(word);
    const void *wdata = PyUnicode_DATA(word);
    const Py_ssize_t size = PyUnicode_GET_LENGTH(word);
    Py_ssize_t i = start, j = 0;
    while (i < end && j < size) {
        Py_UCS4 want = PyUnicode_READ(wkind, wdata, j), c = PyUnicode_READ(kind, data, i);
        if (want == ' ') {
            if (c != '-' && !Py_UNICODE_ISSPACE(c)) return 0;
            while (i < end && ((c = PyUnicode_READ(kind, data, i)) == '-' || Py_UNICODE_ISSPACE(c))) i++;
        } else {
            if (c != want) return 0;
            i++;
        }
        j++;
    }
    return i == end && j == size;
}

/* `patterns.WordAutomaton.spaced_resolved`, whose pure-Python twin it is. */
static PyObject *Automaton_spaced_resolved(Automaton *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *lower, *text, *not_before, *cased, *cased_words;
    Py_ssize_t insensitive;
    if (nargs != 6) {
        PyErr_Format(PyExc_TypeError, "spaced_resolved takes 6 arguments (%zd given)", nargs);
        return NULL;
    }
    if (parse_args("spaced_resolved", args, 4, "UUUn", &lower, &text, &not_before, &insensitive) < 0) return NULL;
    cased = args[4];
    cased_words = args[5];
    if (!PyList_Check(cased) || PyList_GET_SIZE(cased) != self->words || !PyList_Check(cased_words)) {
        PyErr_SetString(PyExc_TypeError, "spaced_resolved: cased, a list by word; cased_words, a list");
        return NULL;
    }
    Buffer kept = {0};
    Words words = {0};
    words.kept = &kept;
    if (spaced_walk(self, "spaced_resolved", lower, text, not_before, &words) < 0) {
        PyMem_Free(kept.items);
        return NULL;
    }
    const Py_ssize_t found = kept.size / 3;
    Hit *insensitive_hits = PyMem_Malloc((size_t)(found ? found : 1) * sizeof(Hit));
    Buffer cased_hits = {0}; /* start, end, word in a row */
    PyObject *result = NULL;
    if (insensitive_hits == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t count = 0;
    for (Py_ssize_t k = 0; k < found; k++) {
        Py_ssize_t start = kept.items[3 * k], end = kept.items[3 * k + 1], word = kept.items[3 * k + 2];
        if (word < insensitive) {
            insensitive_hits[count].start = start;
            insensitive_hits[count].end = end;
            insensitive_hits[count].at = count;
            insensitive_hits[count].word = word;
            count++;
        }
        PyObject *variants = PyList_GET_ITEM(cased, word);
        if (!PyList_Check(variants)) {
            PyErr_SetString(PyExc_TypeError, "spaced_resolved: cased, a list of lists of word numbers");
            goto done;
        }
        for (Py_ssize_t v = 0; v < PyList_GET_SIZE(variants); v++) {
            Py_ssize_t alias = PyLong_AsSsize_t(PyList_GET_ITEM(variants, v));
            if (alias == -1 && PyErr_Occurred()) goto done;
            if (alias < 0 || alias >= PyList_GET_SIZE(cased_words) ||
                !PyUnicode_Check(PyList_GET_ITEM(cased_words, alias))) {
                PyErr_SetString(PyExc_ValueError, "spaced_resolved: a variant names no word of cased_words");
                goto done;
            }
            if (as_written(words.tkind, words.tdata, start, end, PyList_GET_ITEM(cased_words, alias)) &&
                (buffer_push(&cased_hits, start) < 0 || buffer_push(&cased_hits, end) < 0 ||
                 buffer_push(&cased_hits, alias) < 0))
                goto done;
        }
    }
    Py_ssize_t cased_count = cased_hits.size / 3;
    Hit *cased_sorted = PyMem_Malloc((size_t)(cased_count ? cased_count : 1) * sizeof(Hit));
    if (cased_sorted == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < cased_count; k++) {
        cased_sorted[k].start = cased_hits.items[3 * k];
        cased_sorted[k].end = cased_hits.items[3 * k + 1];
        cased_sorted[k].at = k;
        cased_sorted[k].word = cased_hits.items[3 * k + 2];
    }
    PyObject *first = longest_first_of(insensitive_hits, count);
    PyObject *second = first ? longest_first_of(cased_sorted, cased_count) : NULL;
    PyMem_Free(cased_sorted);
    if (second != NULL) result = PyTuple_Pack(2, first, second);
    Py_XDECREF(first);
    Py_XDECREF(second);
done:
    PyMem_Free(kept.items);
    PyMem_Free(cased_hits.items);
    PyMem_Free(insensitive_hits);
    return result;
}

static PyMethodDef Automaton_methods[] = {
    {"positions", (PyCFunction)(void (*)(void))Automaton_positions, METH_FASTCALL,
     "positions(text, pos=0, end=-1): (literal, start, end) of every occurrence in text[pos:end], overlapping "
     "ones included, in order of end."},
    {"starts", (PyCFunction)(void (*)(void))Automaton_starts, METH_FASTCALL,
     "starts(text, pos=0, end=-1): the sorted, distinct starts of every occurrence in text[pos:end]."},
    {"grouped", (PyCFunction)(void (*)(void))Automaton_grouped, METH_FASTCALL,
     "grouped(text): a Scan of the occurrences of each group's literals, by start then end."},
    {"word_hits", (PyCFunction)(void (*)(void))Automaton_word_hits, METH_FASTCALL,
     "word_hits(haystack, text, not_before): (start, end, literal) of every whole-word occurrence in "
     "haystack (text's offsets, normalised: its lower case), its boundaries checked in text."},
    {"spaced_resolved", (PyCFunction)(void (*)(void))Automaton_spaced_resolved, METH_FASTCALL,
     "spaced_resolved(lower, text, not_before, insensitive, cased, cased_words): (insensitive hits, cased hits), "
     "`patterns.WordAutomaton.spaced_resolved`."},
    {"spaced_word_hits", (PyCFunction)(void (*)(void))Automaton_spaced_word_hits, METH_FASTCALL,
     "spaced_word_hits(lower, text, not_before): word_hits over patterns.spaced(lower), mapped onto text, "
     "without making that haystack."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AutomatonType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "extract.rules._scan.Automaton",
    .tp_basicsize = sizeof(Automaton),
    .tp_dealloc = (destructor)Automaton_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Automaton(words, groups=None, alone=None, word_start=False): an Aho-Corasick DFA over non-empty "
              "literals; `alone`, groups whose occurrences next to an ASCII letter `grouped` drops; `word_start`, "
              "only occurrences at a word start (the text's start or after a non-`\\w` character).",
    .tp_methods = Automaton_methods,
    .tp_init = (initproc)Automaton_init,
    .tp_new = PyType_GenericNew,
};

/* `text.lower()` when it keeps every offset in place, else None: `anchored.folded` without the cost
 * of CPython's general case, which looks every character up in the Unicode tables (most postings hold
 * a curly quote or a bullet, which sends the whole text down that path). ASCII characters are lowered
 * by table and the rest exactly as `str.lower` lowers them (`_PyUnicode_ToLowerFull`); a text with a
 * capital sigma, whose lower case depends on its neighbours, is left to `str.lower`. */
static PyObject *via_str_lower(PyObject *text) {
    PyObject *lower = PyObject_CallMethod(text, "lower", NULL);
    if (lower == NULL || PyUnicode_GET_LENGTH(lower) == PyUnicode_GET_LENGTH(text)) return lower;
    Py_DECREF(lower);
    Py_RETURN_NONE;
}

/* A value repeated in every lane of a 64-bit word whose lanes are characters of TYPE. */
#define LANES(TYPE, value) ((uint64_t)(value) * (~(uint64_t)0 / ((uint64_t)(TYPE)~(TYPE)0)))
#define TOP_BIT(TYPE) ((uint64_t)1 << (8 * sizeof(TYPE) - 1))

/* Lowers `in` into `out` (of the same kind); 0 done, 1 a character's lower case is longer (None),
 * 2 left to `str.lower` (a capital sigma, or a lower case wider than the kind). Eight bytes of ASCII
 * characters at a time (most of a posting): a lane holding 'A'-'Z' gains 0x20, found by adding to every
 * lane at once (ASCII lanes cannot carry into the next); a word holding any other character goes
 * character by character. Only a non-ASCII lower case can make the text's widest character. */
#define LOWER_ONE(TYPE, LIMIT, i)                                        \
    do {                                                                 \
        Py_UCS4 c = in[i], lower;                                        \
        if (c < 128)                                                     \
            lower = c >= 'A' && c <= 'Z' ? c + 32 : c;                   \
        else if (c == 0x3A3)                                             \
            return 2;                                                    \
        else {                                                           \
            Py_UCS4 mapped[3];                                           \
            if (_PyUnicode_ToLowerFull(c, mapped) != 1) return 1;        \
            lower = mapped[0];                                           \
            if (lower > (LIMIT)) return 2;                               \
            if (lower > *widest) *widest = lower;                        \
        }                                                                \
        put[i] = (TYPE)lower;                                            \
    } while (0)

#define LOWER_LOOP(TYPE, LIMIT)                                                                \
    do {                                                                                       \
        const TYPE *in = (const TYPE *)data;                                                   \
        TYPE *put = (TYPE *)out;                                                               \
        const Py_ssize_t per = (Py_ssize_t)(sizeof(uint64_t) / sizeof(TYPE));                  \
        const uint64_t top = LANES(TYPE, TOP_BIT(TYPE)), wide = LANES(TYPE, (TYPE)~(TYPE)0x7f); \
        const uint64_t from_a = LANES(TYPE, TOP_BIT(TYPE) - 'A');                              \
        const uint64_t past_z = LANES(TYPE, TOP_BIT(TYPE) - 'Z' - 1);                          \
        Py_ssize_t i = 0;                                                                      \
        for (; i + per <= size; i += per) {                                                    \
            uint64_t word;                                                                     \
            memcpy(&word, in + i, sizeof word);                                                \
            if (word & wide) {                                                                 \
                for (Py_ssize_t k = i; k < i + per; k++) LOWER_ONE(TYPE, LIMIT, k);            \
                continue;                                                                      \
            }                                                                                  \
            uint64_t capital = (word + from_a) & ~(word + past_z) & top;                       \
            word |= capital >> (8 * sizeof(TYPE) - 6);                                         \
            memcpy(put + i, &word, sizeof word);                                               \
        }                                                                                      \
        for (; i < size; i++) LOWER_ONE(TYPE, LIMIT, i);                                       \
        return 0;                                                                              \
    } while (0)

static int lower_into(int kind, const void *data, Py_ssize_t size, void *out, Py_UCS4 *widest) {
    switch (kind) {
    case PyUnicode_1BYTE_KIND:
        LOWER_LOOP(Py_UCS1, 0xff);
    case PyUnicode_2BYTE_KIND:
        LOWER_LOOP(Py_UCS2, 0xffff);
    default:
        LOWER_LOOP(Py_UCS4, 0x10ffff);
    }
}

static PyObject *scan_lower_kept(PyObject *module, PyObject *text) {
    (void)module;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "lower_kept: a str is needed");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) return NULL;
    if (PyUnicode_IS_ASCII(text)) return via_str_lower(text); /* CPython's own path is a table already */
    Py_ssize_t size = PyUnicode_GET_LENGTH(text);
    PyObject *result = PyUnicode_New(size, PyUnicode_MAX_CHAR_VALUE(text));
    if (result == NULL) return NULL;
    Py_UCS4 widest = 0;
    switch (lower_into(PyUnicode_KIND(text), PyUnicode_DATA(text), size, PyUnicode_DATA(result), &widest)) {
    case 1:
        Py_DECREF(result);
        Py_RETURN_NONE;
    case 2:
        Py_DECREF(result);
        return via_str_lower(text);
    }
    /* A str is always stored in the narrowest kind that holds its widest character (equality relies on
     * it): when lowering narrowed it ("Ÿ" -> "ÿ"), copy into that kind. */
    int kind = widest < 256 ? PyUnicode_1BYTE_KIND : widest < 65536 ? PyUnicode_2BYTE_KIND : PyUnicode_4BYTE_KIND;
    if (kind == PyUnicode_KIND(result) && (widest < 128) == (PyUnicode_IS_ASCII(result) != 0)) return result;
    PyObject *narrow = PyUnicode_New(size, widest);
    if (narrow == NULL) {
        Py_DECREF(result);
        return NULL;
    }
    if (PyUnicode_CopyCharacters(narrow, 0, result, 0, size) < 0) Py_CLEAR(narrow);
    Py_DECREF(result);
    return narrow;
}

/* `patterns.longest_first` (whose pure-Python twin it is): of (start, end, index) occurrences, left to
 * right, the longest at each start (the first given of equals), never overlapping. The tuples given are
 * the tuples returned. */

static PyObject *scan_longest_first(PyObject *module, PyObject *hits) {
    (void)module;
    if (!PyList_Check(hits)) {
        PyErr_SetString(PyExc_TypeError, "longest_first: hits must be a list of (start, end, index)");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(hits);
    Hit *sorted = PyMem_Malloc((size_t)(count ? count : 1) * sizeof(Hit));
    if (sorted == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *hit = PyList_GET_ITEM(hits, i);
        if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) != 3) {
            PyMem_Free(sorted);
            PyErr_SetString(PyExc_TypeError, "longest_first: hits must be a list of (start, end, index)");
            return NULL;
        }
        sorted[i].start = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 0));
        sorted[i].end = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 1));
        sorted[i].at = sorted[i].word = i;
        if ((sorted[i].start == -1 || sorted[i].end == -1) && PyErr_Occurred()) {
            PyMem_Free(sorted);
            return NULL;
        }
    }
    Py_ssize_t kept = keep_longest(sorted, count);
    PyObject *found = PyList_New(kept);
    for (Py_ssize_t i = 0; found != NULL && i < kept; i++) {
        PyObject *hit = PyList_GET_ITEM(hits, sorted[i].at);
        Py_INCREF(hit);
        PyList_SET_ITEM(found, i, hit);
    }
    PyMem_Free(sorted);
    return found;
}

static PyMethodDef module_methods[] = {
    {"longest_first", (PyCFunction)scan_longest_first, METH_O,
     "longest_first(hits): of (start, end, index) occurrences, left to right, the longest at each start, "
     "never overlapping."},
    {"lower_kept", (PyCFunction)scan_lower_kept, METH_O,
     "lower_kept(text): text.lower() when it is as long as text (every offset kept), else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "Native literal scanning for the rules extractor.", -1, module_methods,
};

PyMODINIT_FUNC PyInit__scan(void) {
    if (PyType_Ready(&AutomatonType) < 0 || PyType_Ready(&ScanType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&AutomatonType);
    if (PyModule_AddObject(m, "Automaton", (PyObject *)&AutomatonType) < 0) {
        Py_DECREF(&AutomatonType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
