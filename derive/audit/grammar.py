"""The grammar of written steps (lark, Earley), built for one declared symbol table.

Declared names are one terminal, tried before anything else; any other command or letter
lexes as UNKNOWN so the parser can name it.  The grammar keeps both precedences of
\\odot against juxtaposition ((R \\odot X) w and R \\odot (X w)): the reader's reading is
the only well-formed one, and parser.py refuses when two well-formed readings differ.
A lone d lexes as DIFF (below declared names and index letters): it is the differential of
\\frac{d}{dx} / \\frac{d f}{d x}, and anywhere else an undeclared identifier.  \\infty is read only in
the head of \\lim_{n \\to \\infty}; \\int, \\max, \\min, \\sup, \\inf and \\arg stay unsupported.
"""
import re

from lark import Lark

GRAMMAR = r"""
start: sum
sum: lead (ADDOP hterm)*
lead: ADDOP? hterm
?hterm: product
      | hterm ODOT product -> hadamard
product: pfactor (CDOT? pfactor)*
       | (pfactor (CDOT? pfactor)* CDOT?)? bigop
bigop: SUM sumhead product -> bigsum
     | PROD sumhead product -> bigprod
     | LIM limhead product -> biglim
     | dop product -> dapply
limhead: "_" "{" NAME TO ADDOP? INFTY "}"
dop: FRAC "{" dmark "}" "{" dmark dvar "}" -> dop_frac
   | FRAC "{" dmark "^" NUMBER "}" "{" dden2 "}" -> dop_frac2
   | PARTIAL "_" dvar
   | PARTIAL "_" "{" dvar "}"
   | NABLA "_" dvar
   | NABLA "_" "{" dvar "}"
dvar: NAME
    | NAME isub
dmark: PARTIAL | DIFF
dden2: dmark dvar "^" NUMBER -> dden_square
     | dmark dvar dmark dvar -> dden_mixed
sumhead: "_" INDEX -> sum_declared
       | "_" "{" INDEX ("," INDEX)* "}" -> sum_declared
       | "_" "{" INDEX "=" iexpr "}" "^" ibound -> sum_range
ibound: NUMBER | NAME | INDEX | "{" iexpr "}"
iexpr: iatom (ADDOP iatom)*
       | ADDOP iatom (ADDOP iatom)*
?iatom: NUMBER | NAME | INDEX
isub: "_" INDEX -> isub_one
    | "_" NUMBER -> isub_bare_number
    | "_" NAME -> isub_name
    | "_" "{" iexpr ("," iexpr)* "}" -> isub_list
    | "_" "{" INDEX INDEX "}" -> isub_pair
?pfactor: power
        | pfactor ODOT power -> hadamard
?power: atom
      | power "^" TOP -> transpose
      | power "^" NUMBER -> power_bare
      | power "^" "{" NUMBER "/" NUMBER "}" -> power_fraction
      | power "^" "{" sum "}" -> power
      | power "^" NAME -> power_bare
      | power "^" INDEX -> power_bare
?atom: NAME -> name
     | NUMBER -> number
     | "(" sum ")"
     | "(" sum ")" isub -> bracket_entry
     | "{" sum "}"
     | FRAC "{" sum "}" "{" sum "}" -> frac
     | FRAC "{" dmark sum "}" "{" dmark dvar "}" -> derivative
     | FRAC "{" dmark "^" NUMBER sum "}" "{" dden2 "}" -> derivative2
     | NAME isub -> entry
     | INDEX -> index
     | SQRT "{" sum "}" -> sqrt
     | FUNC "(" sum ")" -> function
     | FUNC "{" sum "}" -> function
     | NORM sum NORM normsub -> norm
     | BAR sum BAR -> absolute
     | EXPECT esub? "[" sum "]" -> expectation
     | VAR esub? "[" sum "]" -> variance
     | DIAG "(" sum ")" -> diag
     | DIAG "{" sum "}" -> diag
     | TR "(" sum ")" -> trace
     | IDENTITY "_" NAME -> identity
     | IDENTITY "_" "{" sum "}" -> identity
     | CONST -> const
     | UNKNOWN -> unknown
     | DIFF -> unknown
     | INFTY -> infinity
     | BIGOP -> unsupported
esub: "_" NAME | "_" "{" NAME ("," NAME)* "}"
normsub: nsub?
nsub: "_" NUMBER
    | "_" FROB -> nsub_frob
ADDOP: "+" | "-"
ODOT.4: /\\odot(?![A-Za-z])/
CDOT.4: /\\cdot(?![A-Za-z])/
TOP.4: /\\top(?![A-Za-z])/
FRAC.4: /\\frac(?![A-Za-z])/
SQRT.4: /\\sqrt(?![A-Za-z])/
FUNC.4: /\\(?:exp|log|ln)(?![A-Za-z])/
NORM.4: /\\\|/
BAR.4: /\|/
FROB.4: /\\frob(?![A-Za-z])/
EXPECT.4: /\\E(?![A-Za-z])/
VAR.4: /\\Var(?![A-Za-z])/
DIAG.4: /\\diag(?![A-Za-z])/
TR.4: /\\tr(?![A-Za-z])/
CONST.4: /\\const(?![A-Za-z])/
SUM.4: /\\sum(?![A-Za-z])/
PROD.4: /\\prod(?![A-Za-z])/
LIM.4: /\\lim(?![A-Za-z])/
TO.4: /\\to(?![A-Za-z])/
INFTY.4: /\\infty(?![A-Za-z])/
BIGOP.4: /\\(?:int|max|min|sup|inf|arg)(?![A-Za-z])/
PARTIAL.4: /\\partial(?![A-Za-z])/
NABLA.4: /\\nabla(?![A-Za-z])/
NUMBER: /[0-9]+(\.[0-9]+)?/
DIFF.2: /d/
UNKNOWN.1: /\\[A-Za-z]+|[A-Za-z]/
%ignore " "
"""


def _name_pattern(names):
    alts = []
    for name in sorted(names, key=len, reverse=True):
        tail = "(?![A-Za-z])" if re.search(r"\\[A-Za-z]+$", name) else ""
        alts.append(re.escape(name) + tail)
    return "|".join(alts) if alts else r"(?!x)x"


def build_parser(names, identity=True, indices=()):
    """An Earley parser whose NAME terminal is exactly the declared (canonical) names and whose
    INDEX terminal is exactly the index letters (declared, or bound by a sum of the step)."""
    extra = f"NAME.5: /{_name_pattern(names)}/\n"
    extra += f"INDEX.4: /{'|'.join(sorted(indices)) if indices else '(?!x)x'}/\n"
    extra += 'IDENTITY.3: /I(?![A-Za-z])/\n' if identity else 'IDENTITY.3: /(?!x)x/\n'
    return Lark(GRAMMAR + extra, parser="earley", lexer="basic", ambiguity="explicit",
                propagate_positions=False)
