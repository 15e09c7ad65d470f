"""paramproof's verifier: the Keras harness, the comparator, reports and the command.

This package is the only one that imports TensorFlow/Keras (lazily, when a command needs it).
"""

__version__ = "0.1.0"
