"""Convergence stage: agencies' programme registers joined to the registry and to need.

:func:`~geo.convergence.registers.read_registers` reads and links the recipient lists,
:class:`~geo.convergence.eligibility.Eligibility` checks a programme's eligibility expression,
:func:`~geo.convergence.measures.converge` computes the measures (:class:`Convergence`).
"""

from geo.convergence.eligibility import Eligibility, parse
from geo.convergence.measures import DEFAULT_ELIGIBLE, Convergence, Programme, converge
from geo.convergence.registers import Registers, RegisterRows, read_registers

__all__ = ["DEFAULT_ELIGIBLE", "Convergence", "Eligibility", "Programme", "RegisterRows",
           "Registers", "converge", "parse", "read_registers"]
