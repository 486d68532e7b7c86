"""One-line hints for the PyTorch errors beginners meet most often."""

from __future__ import annotations

from grader.course.i18n import N_

# What a worker's breakpoint() raises (grader.workers.serve): no one could answer a debugger's prompt.
BREAKPOINT = "breakpoint() was called while grading"
# (exception type or None for any, a piece of its message, the hint)
KNOWN_ERRORS: tuple[tuple[str | None, str, str], ...] = (
    (None, "does not require grad and does not have a grad_fn",
     N_("the tensor you called backward() on is not connected to any parameter: "
        "did you use .data, .detach(), torch.no_grad() or build a new tensor from .item() values?")),
    (None, "Expected all tensors to be on the same device",
     N_("two tensors of one operation live on different devices: a tensor made without device= stays on "
        "the CPU, and a plain tensor attribute does not move with .to(device) (a buffer does)")),
    (None, "cannot assign module before Module.__init__() call",
     N_("call super().__init__() first thing in your __init__, before assigning any layer")),
    (None, "cannot assign parameter before Module.__init__() call",
     N_("call super().__init__() first thing in your __init__, before assigning any parameter")),
    (None, "mat1 and mat2 shapes cannot be multiplied",
     N_("the input's last dimension must equal the layer's in_features: check the layer sizes and "
        "where you flatten")),
    (None, "Trying to backward through the graph a second time",
     N_("pass retain_graph=True to the first backward() call when you need the graph again")),
    (None, "a leaf Variable that requires grad is being used in an in-place operation",
     N_("update parameters inside `with torch.no_grad():` (or on p.data) so autograd does not record it")),
    (None, "Can't call numpy() on Tensor that requires grad",
     N_("call .detach() before .numpy()")),
    (None, "element 0 of tensors does not require grad",
     N_("the loss is not connected to the parameters: did you compute it under torch.no_grad() or from .data?")),
    (None, "grad can be implicitly created only for scalar outputs",
     N_("backward() on a non-scalar needs a gradient argument of the same shape, or sum() it first")),
    (None, "Weights only load failed",
     N_("torch.load(..., weights_only=True) only reads tensors and plain containers: save a state_dict, not a module")),
    (None, "must be Tensor, not NoneType",
     N_("a parameter's .grad is None until a backward pass reaches it: skip parameters whose p.grad is None")),
    ("MemoryError", "", N_("the code tried to use far more memory than the exercise needs")),
    (None, "can't allocate memory", N_("the code tried to use far more memory than the exercise needs")),
    ("RecursionError", "", N_("a function calls itself without end: does forward() call self(...) or itself?")),
    ("AttributeError", "object has no attribute",
     N_("the name may be misspelled, or the attribute was never assigned in __init__")),
    ("AttributeError", "module ", N_("the grader looks for every name the task gives: define it at the top level of "
                                     "your file with exactly that name")),
    ("ModuleNotFoundError", "No module named 'd2l'",
     N_("the d2l package is not installed here, only torch, torchvision and numpy are: copy the d2l function you "
        "need into your file (the book shows its code) instead of importing d2l")),
    ("RuntimeError", BREAKPOINT, N_("remove breakpoint() from your code: nobody can answer the debugger while grading")),
)


def hint_for(exception_type: str, message: str) -> str | None:
    """The hint for an error, or None when there is none."""
    for kind, fragment, hint in KNOWN_ERRORS:
        if (kind is None or kind == exception_type) and fragment in message:
            return hint
    return None
