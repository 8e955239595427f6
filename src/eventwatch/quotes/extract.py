"""Quotes: direct speech in quotation marks, reported speech and "according to" attributions.

For each parsed part of an article (title, body):

1. Quotations are found from the marks alone (:mod:`eventwatch.quotes.marks`).
2. Reported speech: every verb of saying outside quotation marks that governs a clause ("X said
   (that) ...", "..., X said", "what X said were ...", "it was reported that ...") gives a quote
   whose content is that clause; its speaker comes from :mod:`eventwatch.quotes.speakers`.
3. "According to X": the rest of the sentence is what X says.
4. Each quotation is attributed to a verb of saying in its sentence(s) (the one that governs it,
   else the nearest), else to "X:" right before it, else to the sentence before it (ending in a
   colon, or holding an attributed quote: the same speaker goes on), else to a sentence after it
   that is nothing but an attribution ("Kerry said."). Unattributed quotations are kept with a
   low confidence when they read as speech; a quoted term of a few words ("the so-called
   'caliphate'") or a number is not a quote.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Token
from spacy.tokens import Span as DocSpan

from eventwatch.events.syntax import argument_tokens, child
from eventwatch.nlp import doc_sents, doc_text
from eventwatch.quotes.cues import Cues, load_cues
from eventwatch.quotes.marks import Quotation, find_quotations
from eventwatch.quotes.speakers import Mentions, Speaker, SpeakerResolver, speaker_word
from eventwatch.records import Article, Quote, QuoteKind, Span, TextField, stable_id

QUOTE_CHARS = "\"'“”‘’„«»"
# dependencies through which a quotation hangs from the verb that attributes it
ATTACHING_DEPS = {
    "ccomp", "parataxis", "dobj", "oprd", "xcomp", "conj", "advcl", "attr", "acomp",
    "npadvmod", "dep", "intj", "appos", "obj", "nsubj", "csubj",
}  # fmt: skip
NOT_CUE_DEPS = {"amod", "compound", "nmod", "nummod"}
MAX_ATTRIBUTION_TOKENS = 10  # a sentence that only attributes: "the commander said."


@dataclass(slots=True)
class _Found:
    """A quote before it becomes a record."""

    kind: str
    content: tuple[int, int]
    evidence: tuple[int, int]
    speaker: Speaker | None
    cue: str | None
    confidence: float


@dataclass(slots=True)
class _Part:
    """One parsed part of an article with what the extractor knows about it."""

    article: Article
    field: TextField
    doc: Doc
    mentions: Mentions
    quotations: list[Quotation]
    inside: set[int]  # tokens inside some quotation's marks
    sents: list[DocSpan]
    sent_starts: list[int]
    text: str  # the doc's text (eventwatch.nlp.doc_text)
    attributed: dict[int, tuple[Speaker | None, str | None]] = field(default_factory=dict)

    @classmethod
    def build(cls, article: Article, fld: TextField, doc: Doc) -> _Part:
        quotations = [q for q in find_quotations(doc_text(doc)) if q.inner_end > q.inner_start]
        inside: set[int] = set()
        for q in quotations:
            span = doc.char_span(q.inner_start, q.inner_end, alignment_mode="expand")
            if span is not None:
                inside.update(t.i for t in span)
        sents = doc_sents(doc)
        return cls(
            article,
            fld,
            doc,
            Mentions.build(doc, fld, article),
            quotations,
            inside,
            sents,
            [s.start_char for s in sents],
            doc_text(doc),
        )

    def sentence_at(self, char: int) -> int:
        return max(0, bisect_right(self.sent_starts, char) - 1)


class QuoteExtractor:
    """Finds the quotes of an article from its parse and its actor mentions."""

    def __init__(self, cues: Cues | None = None, *, cue_file: Path | None = None) -> None:
        self.cues = cues if cues is not None else load_cues(cue_file)
        self.speakers = SpeakerResolver(self.cues)

    @classmethod
    def default(cls) -> QuoteExtractor:
        return cls()

    def extract(self, article: Article, docs: Sequence[tuple[TextField, Doc]]) -> list[Quote]:
        """The quotes of ``article``: title first, then body, in text order."""
        quotes: dict[str, Quote] = {}
        for fld, doc in sorted(docs, key=lambda d: d[0] != "title"):
            part = _Part.build(article, fld, doc)
            found = self._reported(part) + self._according(part)
            for f in found:
                if f.speaker is not None:
                    part.attributed.setdefault(part.sentence_at(f.evidence[0]), (f.speaker, f.cue))
            found += self._direct(part)
            for f in sorted(found, key=lambda f: (f.content, f.kind)):
                quote = _record(part, f)
                quotes.setdefault(quote.id, quote)
        return list(quotes.values())

    # ------------------------------------------------------------------ cue verbs
    def is_cue(self, tok: Token, *, direct: bool = False) -> bool:
        """Is ``tok`` a verb of saying used as one (not "the said agreement", "did not say",
        "if he says", "declined to say", "hard to tell")?"""
        lemma = tok.lemma_.lower()
        if lemma not in self.cues.speech and not (direct and lemma in self.cues.direct):
            return False
        if tok.pos_ != "VERB" or tok.dep_ in NOT_CUE_DEPS or tok.tag_ == "JJ":
            return False
        for c in tok.children:
            if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never"):
                return False
            if c.dep_ in ("aux", "auxpass") and c.lower_ in self.cues.unsaid_aux:
                return False
            if c.dep_ == "mark" and c.lower_ in self.cues.unsaid_marks:
                return False
            if (
                c.dep_ == "aux"
                and c.lower_ == "to"
                and tok.head.lemma_.lower() not in self.cues.infinitive_heads
            ):
                return False
        if lemma in self.cues.addressee and not any(c.dep_ == "auxpass" for c in tok.children):
            objects = [c for c in tok.children if c.dep_ in ("dobj", "dative")]
            if not any(o.lower_ not in self.cues.not_addressees for o in objects):
                return False  # "hard to tell who fired"; but "were told that ..." is speech
        return True

    def _speaker(self, cue: Token, part: _Part) -> tuple[Speaker | None, bool]:
        """The speaker of ``cue``, and whether ``cue`` counts as speech at all."""
        word, impersonal = speaker_word(cue, self.cues)
        if word is None or word.i in part.inside:
            return None, impersonal
        speaker = self.speakers.resolve(word, part.mentions)
        if cue.lemma_.lower() in self.cues.needs_actor and speaker.actor is None:
            return None, False  # "the figures suggest that ...": not a speaker
        return speaker, True

    def _confidence(self, base: float, speaker: Speaker | None) -> float:
        f = self.cues.factors
        factor = f.none if speaker is None else getattr(f, speaker.how)
        return round(base * factor, 3)

    # ------------------------------------------------------------------ reported speech
    def _reported(self, part: _Part) -> list[_Found]:
        out: list[_Found] = []
        for sent in part.sents:
            if _is_question(sent, part.inside):
                continue
            for tok in sent:
                if tok.i in part.inside or not self.is_cue(tok):
                    continue
                content = self._reported_content(tok, part)
                if content is None:
                    continue
                speaker, speech = self._speaker(tok, part)
                if not speech:
                    continue
                base = self.cues.confidence
                conf = base.reported if speaker is not None else base.reported_passive
                out.append(
                    _Found(
                        QuoteKind.REPORTED,
                        content,
                        _trimmed(sent),
                        speaker,
                        tok.lemma_.lower(),
                        self._confidence(conf, speaker),
                    )
                )
        return out

    def _reported_content(self, cue: Token, part: _Part) -> tuple[int, int] | None:
        """The clause said through ``cue``, as a character span: the clause it governs ("said
        (that) ..."), else the clause before "..., X said", else the clause it interrupts
        ("The militants, the army said, had fled")."""
        clause = child(cue, "ccomp")
        if clause is not None and clause.i > cue.i:
            tokens = _strip(self._clause_tokens(clause, cue), leading={"that"})
            if not tokens or tokens[0].i in part.inside:
                return None  # the words are quoted: a direct quote
            return self._clause_span(tokens, part)
        lead = self._lead_clause(cue, part)
        if lead is not None:
            return lead
        if clause is not None:
            return None  # a clause before the cue not set off by a comma: "...; Bangkok denies"
        if cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX"):
            head = cue.head
            if head.i in part.inside or not _set_off(cue, self.cues):
                return None
            return self._clause_span(list(head.subtree), part)
        if cue.lemma_.lower() in self.cues.infinitive:
            xcomp = child(cue, "xcomp")
            if xcomp is not None and child(xcomp, "aux") is not None and xcomp.i > cue.i:
                return self._clause_span(list(xcomp.subtree), part)
        return None

    def _clause_tokens(self, clause: Token, cue: Token) -> list[Token]:
        """The clause's words after the cue (with any further clause the parse hangs on the cue
        in its stead), up to a verb of saying coordinated with it ("... and said ...")."""
        allowed: set[int] = set()
        for c in cue.children:
            if c.dep_ == "ccomp" and c.i > cue.i and (c.i == clause.i or not c.left_edge.is_punct):
                allowed.update(t.i for t in c.subtree if t.i > cue.i)
        for c in clause.children:
            if c.dep_ == "conj" and c.i > clause.i and self.is_cue(c):
                allowed.difference_update(t.i for t in c.subtree)
                links = [x.i for x in clause.children if x.dep_ == "cc" and x.i < c.i]
                allowed.difference_update(links[-1:])
        out: list[Token] = []
        for t in cue.doc[min(allowed) : cue.sent.end]:
            if t.i not in allowed:
                break
            out.append(t)
        return out

    def _lead_clause(self, cue: Token, part: _Part) -> tuple[int, int] | None:
        """ "CLAUSE, X said": the words before the attribution, when a comma sets it off."""
        if cue.dep_ not in ("ROOT", "parataxis"):
            return None
        sent = cue.sent
        word, _ = speaker_word(cue, self.cues)
        first = cue.i
        if word is not None and sent.start <= word.i < cue.i:
            first = min(t.i for t in argument_tokens(word))
        doc = part.doc
        if first - 1 <= sent.start or doc[first - 1].text not in (",", "—", "–"):
            return None
        tokens = _strip(list(doc[sent.start : first - 1]))
        if not tokens or tokens[0].i in part.inside:
            return None
        return self._clause_span(tokens, part)

    def _clause_span(self, tokens: list[Token], part: _Part) -> tuple[int, int] | None:
        tokens = _strip(tokens, leading={"that", "to"})
        if not tokens or tokens[0].lower_ in self.cues.question_words:
            return None
        if all(t.i in part.inside for t in tokens):
            return None
        if not any(t.pos_ in ("VERB", "AUX") for t in tokens):
            return None
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        for q in part.quotations:  # keep the closing mark of a quotation the clause opens
            if start <= q.start < end < q.end:
                end = q.end
        return start, end

    # ------------------------------------------------------------------ according to
    def _according(self, part: _Part) -> list[_Found]:
        out: list[_Found] = []
        doc = part.doc
        for tok in doc[:-1]:
            if tok.lower_ != "according" or doc[tok.i + 1].lower_ != "to" or tok.i in part.inside:
                continue
            to = doc[tok.i + 1]
            source = child(to, "pobj")
            if source is None or (tok.i > 0 and doc[tok.i - 1].pos_ == "VERB"):
                continue  # "coded according to the police version": manner, not a source
            end = max(t.i for t in to.subtree)
            found = self._according_content(tok.sent, tok.i, end)
            if found is None:
                continue
            content, middle = found
            speaker = self.speakers.resolve(source, part.mentions)
            base = self.cues.confidence
            conf = base.according_middle if middle else base.according
            out.append(
                _Found(
                    QuoteKind.ACCORDING,
                    content,
                    _trimmed(tok.sent),
                    speaker,
                    None,
                    self._confidence(conf, speaker),
                )
            )
        return out

    @staticmethod
    def _according_content(
        sent: DocSpan, first: int, last: int
    ) -> tuple[tuple[int, int], bool] | None:
        """What "according to X" attributes: the part of the sentence that holds the main
        verb; the whole sentence when the phrase sits between a subject and its verb. The
        flag says the content holds the "according to" phrase."""
        left = _strip([t for t in sent if t.i < first])
        right = _strip([t for t in sent if t.i > last])
        root = sent.root
        if not right and not left:
            return None
        if not left or not right:
            side = right or left
        elif root.i > last and not any(
            t.dep_ in ("nsubj", "nsubjpass") and t.head == root for t in left
        ):
            side = right
        elif root.i < first and not any(t.head == root and t.i > last for t in right):
            side = left
        else:
            whole = _strip(list(sent))
            return (whole[0].idx, whole[-1].idx + len(whole[-1])), True
        if not any(t.pos_ in ("VERB", "AUX") for t in side):
            return None
        return (side[0].idx, side[-1].idx + len(side[-1])), False

    # ------------------------------------------------------------------ quotations
    def _direct(self, part: _Part) -> list[_Found]:
        out: list[_Found] = []
        for q in part.quotations:
            found = self._quotation(q, part)
            if found is None:
                continue
            out.append(found)
            if found.speaker is not None:
                first, last = part.sentence_at(q.inner_start), part.sentence_at(q.inner_end - 1)
                for s in range(first, last + 1):
                    part.attributed[s] = (found.speaker, found.cue)
        return out

    def _quotation(self, q: Quotation, part: _Part) -> _Found | None:
        content = _inner(part.text, q)
        if content is None:
            return None
        span = part.doc.char_span(*content, alignment_mode="expand")
        if span is None:
            return None
        words = [t for t in span if not (t.is_punct or t.is_space)]
        has_verb = any(t.pos_ in ("VERB", "AUX") for t in words)
        first, last = part.sentence_at(content[0]), part.sentence_at(content[1] - 1)
        text = part.text
        opens = _opens_speech(text, q, part.sents[first])
        attribution = self._attribute(q, span, part, first, last)
        if len(words) <= self.cues.max_term_words:
            # a quoted term ("the so-called 'caliphate'") unless punctuated as speech: '"No,"'
            if attribution is None or not (opens and _spoken(text, q)):
                return None
        elif attribution is None:
            if not has_verb or not (opens or _spoken(text, q)):
                return None
            conf = self._confidence(self.cues.confidence.direct_unattributed, None)
            return _Found(QuoteKind.DIRECT, content, _evidence(part, first, last), None, None, conf)
        elif not (has_verb or opens or attribution[2] == self.cues.confidence.direct_attached):
            return None  # a title or a name in quotation marks
        assert attribution is not None
        speaker, cue, base, at = attribution
        evidence = _evidence(part, min(first, at), max(last, at))
        return _Found(
            QuoteKind.DIRECT, content, evidence, speaker, cue, self._confidence(base, speaker)
        )

    def _attribute(
        self, q: Quotation, span: DocSpan, part: _Part, first: int, last: int
    ) -> tuple[Speaker | None, str | None, float, int] | None:
        """Speaker, cue, base confidence and the attributing sentence of a quotation."""
        conf = self.cues.confidence
        cue = self._cue_for(span, part, first, last)
        if cue is not None:
            tok, attached = cue
            speaker, _ = self._speaker(tok, part)
            base = conf.direct_attached if attached else conf.direct_same_sentence
            return speaker, tok.lemma_.lower(), base, part.sentence_at(tok.idx)
        colon = self._colon_speaker(q, part)
        if colon is not None:
            return colon, None, conf.direct_colon, first
        if not _whole_sentences(part.text, q, part.sents[first], part.sents[last]):
            return None  # 'placards reading "We cannot eat taxes"': not the next speaker's words
        if first > 0:
            before = part.sents[first - 1]
            lead = self._lead_in(before, part)
            if lead is not None:
                return lead[0], lead[1], conf.direct_colon, first - 1
            if first - 1 in part.attributed:
                speaker, cue_lemma = part.attributed[first - 1]
                return speaker, cue_lemma, conf.direct_previous, first - 1
        if last + 1 < len(part.sents):
            tail = self._tail(part.sents[last + 1], part)
            if tail is not None:
                return tail[0], tail[1], conf.direct_next, last + 1
        return None

    def _cue_for(
        self, span: DocSpan, part: _Part, first: int, last: int
    ) -> tuple[Token, bool] | None:
        """The verb of saying that attributes the quotation: one that governs it, else the
        nearest one outside any quotation in its sentences."""
        candidates = [
            t
            for s in part.sents[first : last + 1]
            for t in s
            if t.i not in part.inside
            and self.is_cue(t, direct=True)
            # 'a film called "..."': naming verbs attribute only with someone naming
            and (t.lemma_.lower() in self.cues.speech or speaker_word(t, self.cues)[0] is not None)
        ]
        if not candidates:
            return None
        for tok in candidates:
            if _governs(tok, span):
                return tok, True
        speech = [t for t in candidates if t.lemma_.lower() in self.cues.speech]
        if not speech:
            return None
        return min(speech, key=lambda t: min(abs(t.i - span.start), abs(t.i - span.end))), False

    def _colon_speaker(self, q: Quotation, part: _Part) -> Speaker | None:
        """'Kerry: "We will win"' (headline style)."""
        text = part.text
        i = q.start - 1
        while i >= 0 and text[i] == " ":
            i -= 1
        if i < 1 or text[i] != ":":
            return None
        tok = part.doc.char_span(i - 1, i, alignment_mode="expand")
        if tok is None:
            return None
        word = tok[-1]
        if word.i in part.inside or not (word.pos_ == "PROPN" or word.i in part.mentions.by_token):
            return None
        return self.speakers.resolve(word, part.mentions)

    def _lead_in(self, sent: DocSpan, part: _Part) -> tuple[Speaker | None, str] | None:
        """A sentence that ends with a colon after a verb of saying: 'Kerry told reporters:'."""
        tokens = [t for t in sent if not t.is_space]
        if not tokens or tokens[-1].text != ":":
            return None
        for tok in reversed(tokens):
            if tok.i not in part.inside and self.is_cue(tok):
                speaker, speech = self._speaker(tok, part)
                return (speaker, tok.lemma_.lower()) if speech else None
        return None

    def _tail(self, sent: DocSpan, part: _Part) -> tuple[Speaker | None, str] | None:
        """A sentence that is only an attribution: 'the commander said.', 'said Kerry.'."""
        words = [t for t in sent if not (t.is_punct or t.is_space)]
        if not words or len(words) > MAX_ATTRIBUTION_TOKENS:
            return None
        for tok in words:
            if self.is_cue(tok) and child(tok, "ccomp") is None:
                speaker, _ = self._speaker(tok, part)
                if speaker is not None:
                    return speaker, tok.lemma_.lower()
        return None


# ---------------------------------------------------------------------------- helpers
def _record(part: _Part, f: _Found) -> Quote:
    text = part.text
    fld = part.field
    content = Span(f.content[0], f.content[1], text[f.content[0] : f.content[1]], fld)
    evidence = Span(f.evidence[0], f.evidence[1], text[f.evidence[0] : f.evidence[1]], fld)
    speaker = f.speaker
    return Quote(
        id=stable_id(part.article.id, "quote", f.kind, fld, content.start, content.end),
        article_id=part.article.id,
        kind=str(f.kind),
        content=content,
        evidence=evidence,
        speaker=speaker.actor if speaker is not None else None,
        speaker_text=speaker.text if speaker is not None else None,
        cue=f.cue,
        speaker_span=speaker.span if speaker is not None else None,
        confidence=f.confidence,
    )


def _strip(tokens: list[Token], leading: set[str] | frozenset[str] = frozenset()) -> list[Token]:
    """Tokens without the punctuation, spaces and quotation marks at either end (and a leading
    complementizer in ``leading``)."""
    tokens = sorted(tokens, key=lambda t: t.i)
    lo, hi = 0, len(tokens)
    while lo < hi and (
        _edge(tokens[lo]) or (tokens[lo].lower_ in leading and tokens[lo].dep_ != "det")
    ):
        lo += 1
    while hi > lo and _edge(tokens[hi - 1]):
        hi -= 1
    return tokens[lo:hi]


def _edge(tok: Token) -> bool:
    return tok.is_space or (tok.is_punct and tok.text not in ("%", "$")) or tok.text in QUOTE_CHARS


def _trimmed(sent: DocSpan) -> tuple[int, int]:
    text = sent.text
    start = sent.start_char + (len(text) - len(text.lstrip()))
    return start, start + len(text.strip())


def _evidence(part: _Part, first: int, last: int) -> tuple[int, int]:
    return _trimmed(part.sents[first])[0], _trimmed(part.sents[last])[1]


def _inner(text: str, q: Quotation) -> tuple[int, int] | None:
    """The words between the marks, without surrounding spaces and a trailing comma; None when
    they hold no letter ("2020")."""
    start, end = q.inner_start, q.inner_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if not any(ch.isalpha() for ch in text[start:end]):
        return None
    return start, end


def _opens_speech(text: str, q: Quotation, sent: DocSpan) -> bool:
    """The quotation opens its sentence or follows a colon, a comma or a dash (where direct
    speech starts, not a quoted term inside a phrase)."""
    before = text[sent.start_char : q.start].rstrip()
    return not before or before[-1] in ":,—–" or before[-1] in QUOTE_CHARS


def _set_off(cue: Token, cues: Cues) -> bool:
    """An attribution set off by commas inside its clause: "The militants, the army said, had
    fled" (not "(VoJ reported 1)")."""
    word, _ = speaker_word(cue, cues)
    tokens = [cue, *(argument_tokens(word) if word is not None else [])]
    tokens += [t for t in cue.subtree if t.i > cue.i and not t.is_punct]
    first, last = min(t.i for t in tokens), max(t.i for t in tokens)
    doc = cue.doc
    return first > 0 and last + 1 < len(doc) and doc[first - 1].text == doc[last + 1].text == ","


def _whole_sentences(text: str, q: Quotation, first: DocSpan, last: DocSpan) -> bool:
    """The quotation opens its first sentence and closes its last one: a paragraph of speech
    that the sentence before or after may attribute."""
    before = text[first.start_char : q.start].strip()
    after = text[q.end : last.end_char].strip()
    return not before and all(ch in ".!?" or ch in QUOTE_CHARS for ch in after)


def _spoken(text: str, q: Quotation) -> bool:
    """A quotation punctuated as speech: '"No," he said.', '"No", he said.', 'He said:
    "Never."' (a quoted term carries no punctuation of its own)."""
    inner = text[q.inner_start : q.inner_end].rstrip()
    return inner[-1:] in (",", ".", "!", "?") or text[q.end : q.end + 1] == ","


def _governs(cue: Token, span: DocSpan) -> bool:
    """Does the quotation hang from ``cue`` (through clause or object links)?"""
    for tok in span:
        if tok.head.i >= span.start and tok.head.i < span.end and tok.head.i != tok.i:
            continue  # not the quotation's root
        current = tok
        for _ in range(3):
            if current.dep_ not in ATTACHING_DEPS or current.head.i == current.i:
                break
            current = current.head
            if current == cue:
                return True
    return False


def _is_question(sent: DocSpan, inside: set[int]) -> bool:
    tokens = [t for t in sent if not (t.is_space or t.text in QUOTE_CHARS)]
    return bool(tokens) and tokens[-1].text == "?" and tokens[-1].i not in inside


def quote_at(quotes: Sequence[Quote], start: int, end: int, field: str = "body") -> Quote | None:
    """The quote whose content span contains ``[start, end)`` (the innermost one), for
    attributing events and claims said inside it."""
    holding = [
        q
        for q in quotes
        if q.content.field == field and q.content.start <= start and end <= q.content.end
    ]
    if not holding:
        return None
    return min(
        holding,
        key=lambda q: (q.content.end - q.content.start, q.speaker is None, -q.confidence),
    )
