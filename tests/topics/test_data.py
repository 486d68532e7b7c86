"""Checks for topic `data`: datasets, reproducible loaders and torchvision transforms.

Probes (the plain functions) run in a worker on the submission and on the reference;
checks (the test functions) judge what came back. Points live on each check's marker.

A shuffled order is whatever the submission's generator gives, so the loader checks compare
a submission with itself (same seed, same batches, whatever the global RNG did in between)
rather than with the reference's order. Probes that need torchvision or PIL import them
themselves, so that the other checks do not pay for the import.
"""

import itertools

import numpy as np
import pytest
import torch

from grader.course.i18n import N_, _
from grader.checks.expect import expect, expect_close, expect_equal
from grader.checks.probing import size

exercise = pytest.mark.exercise


def numbered_data(n):
    """X row i is [2i, 2i + 1] and y[i] is i: every row says where it came from."""
    return torch.arange(2 * n, dtype=torch.float32).reshape(n, 2), torch.arange(n)


def batches(loader):
    return [[X, y] for X, y in loader]


def order_of(loader):
    """The labels of one pass over the loader, in the order they came, and whether each X row matched its label."""
    seen, paired = [], True
    for X, y in loader:
        seen += y.tolist()
        paired = paired and torch.equal(X, torch.stack([2 * y, 2 * y + 1], dim=1).float())
    return {"order": seen, "paired": paired}


# make_loader

def loader_facts(data):
    from torch.utils.data import DataLoader, TensorDataset

    X, y = numbered_data(size(10, seed=41))  # 10 items, or as many as the secret says
    loader = data.make_loader(X, y, 4, False)
    dataset = getattr(loader, "dataset", None)
    return {
        "is_dataloader": isinstance(loader, DataLoader),
        "is_tensor_dataset": isinstance(dataset, TensorDataset),
        "batch_size": getattr(loader, "batch_size", None),
        "tensors": list(dataset.tensors) if isinstance(dataset, TensorDataset) else None,
        "first_batch": list(next(iter(loader))),
    }


def in_order_items():
    """12 items, or as many as the secret says: whole batches of 4 (a dropped last batch is another check's)."""
    return 4 * size(3, seed=42)


def loader_in_order(data):
    X, y = numbered_data(in_order_items())
    return batches(data.make_loader(X, y, 4, False, seed=5))


def batch_sizes(data):
    X, y = numbered_data(10)
    return {shuffle: [len(y_batch) for _, y_batch in data.make_loader(X, y, 4, shuffle, seed=1)]
            for shuffle in (False, True)}


def shuffled_orders_for_one_seed(data):
    """Four first passes of make_loader(..., shuffle=True, seed=3), the global RNG in another state each time."""
    X, y = numbered_data(20)
    torch.manual_seed(1)
    first = order_of(data.make_loader(X, y, 5, True, seed=3))
    loader = data.make_loader(X, y, 5, True, seed=3)
    torch.manual_seed(2)
    torch.rand(7)
    built_then_reseeded = order_of(loader)
    torch.manual_seed(3)
    again = order_of(data.make_loader(X, y, 5, True, seed=3))
    after_drawing = order_of(data.make_loader(X, y, 5, True, seed=3))
    return [first, built_then_reseeded, again, after_drawing]


def shuffled_orders_for_three_seeds(data):
    X, y = numbered_data(20)
    torch.manual_seed(0)
    return [order_of(data.make_loader(X, y, 5, True, seed=seed)) for seed in (0, 1, 2)]


def expect_permutation(result, n, what):
    expect(result["paired"], _("{what}: some X rows came with another row's y", what=what),
           hint=N_("let TensorDataset(X, y) keep each X row with its y"))
    order = result["order"]
    dropped_last = len(set(order)) == len(order) and 0 < n - len(order) < 5
    expect_equal(sorted(order), list(range(n)), _("{what}: the items of one pass, sorted", what=what),
                 hint=N_("fewer items than a batch are missing: the last, smaller batch was dropped")
                 if dropped_last else None)


@exercise("make_loader", points=0.5)
def test_make_loader_is_a_dataloader_over_a_tensor_dataset(grade):
    got, want = grade.both(loader_facts)
    expect(got["is_dataloader"], N_("make_loader(X, y, 4, False) did not return a torch.utils.data.DataLoader"))
    expect(got["is_tensor_dataset"], N_("the loader's dataset is not a TensorDataset"))
    expect_close(got, want, N_("make_loader(X, y, 4, False)"))


@exercise("make_loader", points=0.5)
def test_make_loader_keeps_the_data_order_without_shuffle(grade):
    got, want = grade.both(loader_in_order)
    expect_close(got, want, _("the batches of make_loader(X, y, 4, shuffle=False) over {n} items (X row i = [2i, 2i+1], "
                              "y = i)", n=in_order_items()))


@exercise("make_loader", points=0.5)
def test_make_loader_keeps_the_last_partial_batch(grade):
    got = grade.student(batch_sizes)
    for shuffle in (False, True):
        expect_equal(got[shuffle], [4, 4, 2], _("the batch sizes of make_loader(X, y, 4, "
                                                "shuffle={shuffle}) over 10 items", shuffle=shuffle),
                     hint=N_("the last, smaller batch was dropped") if got[shuffle] == [4, 4] else None)


@exercise("make_loader", points=1)
def test_make_loader_same_seed_same_batches(grade):
    got = grade.student(shuffled_orders_for_one_seed)
    for result in got:
        expect_permutation(result, 20, "make_loader(X, y, 5, shuffle=True, seed=3)")
    orders = [result["order"] for result in got]
    expect(all(order == orders[0] for order in orders),
           _("make_loader(X, y, 5, shuffle=True, seed=3) gave different orders after "
             "torch.manual_seed(1), after torch.manual_seed(2) and after more random draws: "
             "{orders}", orders=orders),
           hint=N_("give the DataLoader its own generator, torch.Generator().manual_seed(seed): plain shuffle=True "
                "follows the global RNG, and torch.manual_seed(seed) inside make_loader is undone by whatever "
                "runs between building the loader and iterating it"))


@exercise("make_loader", points=0.5)
def test_make_loader_different_seeds_different_orders(grade):
    got = grade.student(shuffled_orders_for_three_seeds)
    for seed, result in enumerate(got):
        expect_permutation(result, 20, f"make_loader(X, y, 5, shuffle=True, seed={seed})")
    orders = [result["order"] for result in got]
    # A shuffle that ignored its seed is the only way to fail: for three seeded shuffles of 20
    # items, the chance that two orders (or one and the identity) coincide is about 6/20!, 2e-18.
    expect(orders[0] != list(range(20)), _("make_loader(X, y, 5, shuffle=True, seed=0) did not shuffle: {order}", order=orders[0]),
           hint=N_("pass shuffle=shuffle to the DataLoader"))
    expect(len({tuple(order) for order in orders}) == 3,
           _("make_loader(..., shuffle=True) gave the same order for seeds 0, 1 and 2: {orders}", orders=orders),
           hint=N_("seed the loader's generator with the seed argument: torch.Generator().manual_seed(seed)"))


# SquaresDataset

def squares_size():
    """6, or a size drawn from the secret: the items are then nothing a student file holds."""
    return size(6, seed=21)


def squares_items(data):
    from torch.utils.data import DataLoader

    n = squares_size()
    dataset = data.SquaresDataset(n)
    return {
        "len": len(dataset),
        "items": {i: list(dataset[i]) for i in range(n)},
        "batch": list(next(iter(DataLoader(dataset, batch_size=4)))),
    }


def squares_negative_items(data):
    n = squares_size()
    dataset = data.SquaresDataset(n)
    return {i: list(dataset[i]) for i in (-1, -2, -n)}


def squares_out_of_range(data):
    dataset = data.SquaresDataset(6)
    raised = {}
    for i in (6, 7, 100, -7, -100):
        try:
            dataset[i]
            raised[i] = None  # nothing raised
        except IndexError:
            raised[i] = "IndexError"
        except Exception as exc:  # noqa: BLE001 - which one is the point
            raised[i] = type(exc).__name__
    # `for item in dataset` stops at the first IndexError; without one it never would.
    iterated = len(list(itertools.islice(iter(dataset), 10)))
    return {"raised": raised, "items_when_iterated": iterated}


@exercise("SquaresDataset", points=0.5)
def test_squares_dataset_items(grade):
    got, want = grade.both(squares_items)
    n = squares_size()
    expect_equal(got["len"], n, _("len(SquaresDataset({n}))", n=n), hint=N_("__len__ returns n"))
    expect_close(got["items"], want["items"], _("SquaresDataset({n})", n=n))
    expect_close(got["batch"], want["batch"], _("the first batch of DataLoader(SquaresDataset({n}), batch_size=4)", n=n))


@exercise("SquaresDataset", points=0.25)
def test_squares_dataset_negative_indices(grade):
    got, want = grade.both(squares_negative_items)
    expect_close(got, want, _("SquaresDataset({n})", n=squares_size()),
                 hint=N_("like a list, index -1 is the last item: map a negative i to i + n"))


@exercise("SquaresDataset", points=0.5)
def test_squares_dataset_raises_index_error_outside(grade):
    got = grade.student(squares_out_of_range)
    expect_equal(got["raised"], {i: "IndexError" for i in (6, 7, 100, -7, -100)},
                 N_("what SquaresDataset(6)[i] raised for i outside [-6, 6)"),
                 hint=N_("raise IndexError when i < -n or i >= n (returning i*i there makes `for x in dataset` endless)"))
    expect_equal(got["items_when_iterated"], 6, N_("the number of items `for item in SquaresDataset(6)` gave (at most 10 read)"),
                 hint=N_("raise IndexError past the last item: that is how Python's iteration over a dataset stops"))


# mnist_transform

def known_pixels() -> np.ndarray:
    """A 28x28 uint8 image holding every value 0..255: pixel k is 37 * k mod 256 (0 first, 255 at k = 83)."""
    return (np.arange(784) * 37 % 256).astype(np.uint8).reshape(28, 28)


def transformed_known_image(data):
    from PIL import Image

    image = Image.fromarray(known_pixels())
    out = data.mnist_transform()(image)
    return {"type": type(out).__name__, "shape": tuple(getattr(out, "shape", ())), "dtype": str(getattr(out, "dtype", None)),
            "values": out if isinstance(out, torch.Tensor) else None}


@exercise("mnist_transform", points=0.5)
def test_mnist_transform_shape_and_dtype(grade):
    got = grade.student(transformed_known_image)
    expect_equal({k: got[k] for k in ("type", "shape", "dtype")},
                 {"type": "Tensor", "shape": (784,), "dtype": "torch.float32"},
                 N_("mnist_transform()(a 28x28 grayscale PIL image)"),
                 hint=N_("the image is not flattened: the result must be a vector of 784 values")
                 if got["shape"] == (1, 28, 28) else None)


@exercise("mnist_transform", points=1)
def test_mnist_transform_values(grade):
    got = grade.student(transformed_known_image)
    pixels = torch.from_numpy(known_pixels()).flatten().double()
    want = ((pixels / 255 - 0.5) / 0.5).float()  # pixel 0 -> -1.0, 128 -> 0.0039, 255 -> 1.0
    expect(got["values"] is not None, _("mnist_transform() returned a {type}, not a tensor", type=got['type']))
    expect_close(got["values"].flatten().float(), want,
                 N_("mnist_transform()(image) against (pixel/255 - 0.5) / 0.5 (pixel 0 -> -1.0, 255 -> 1.0), "
                 "pixels in row-major order"),
                 hint=normalization_hint(got["values"]))


def normalization_hint(values):
    """The hint for values left in [0, 1] (no normalization) or normalized with MNIST's own statistics."""
    low, high = float(values.min()), float(values.max())
    if low >= 0 and high <= 1:
        return N_("the values are still in [0, 1]: they are not normalized to [-1, 1]")
    if abs(low - (0 - 0.1307) / 0.3081) < 1e-3:
        return N_("these are normalized with MNIST's own mean and std (0.1307, 0.3081), not with 0.5 and 0.5")
    return None


# fake_mnist

def fake_mnist_items(data):
    from torchvision.datasets import FakeData

    dataset = data.fake_mnist(12, seed=0)
    items = [dataset[i] for i in range(len(dataset))]
    images = [image for image, _ in items]
    return {
        "is_fake_data": isinstance(dataset, FakeData),
        "len": len(dataset),
        "shapes": sorted({tuple(getattr(image, "shape", ())) for image in images}),
        "dtypes": sorted({str(getattr(image, "dtype", type(image).__name__)) for image in images}),
        "min": min(float(image.min()) for image in images),
        "max": max(float(image.max()) for image in images),
        "label_types": sorted({type(label).__name__ for _, label in items}),
        "labels": [label if isinstance(label, int) else -1 for _, label in items],
    }


def fake_mnist_data(data, n, seed, global_seed):
    torch.manual_seed(global_seed)
    torch.rand(global_seed)
    dataset = data.fake_mnist(n, seed=seed)
    items = [dataset[i] for i in range(n)]
    return {"images": torch.stack([torch.as_tensor(image).flatten() for image, _ in items]),
            "labels": [int(label) for _, label in items]}


@exercise("fake_mnist", points=1)
def test_fake_mnist_items(grade):
    got = grade.student(fake_mnist_items)
    expect(got["is_fake_data"], N_("fake_mnist(12) is not a torchvision.datasets.FakeData"))
    expect_equal(got["len"], 12, N_("len(fake_mnist(12))"))
    expect_equal(got["shapes"], [(784,)], N_("the shapes of fake_mnist(12)'s images"))
    expect_equal(got["dtypes"], ["torch.float32"], N_("the dtypes of fake_mnist(12)'s images"),
                 hint=N_("the images are PIL images: mnist_transform() is not applied")
                 if any("Image" in dtype for dtype in got["dtypes"]) else None)
    expect(-1.0 <= got["min"] and got["max"] <= 1.0,
           _("fake_mnist(12)'s pixel values run from {min:.4g} to {max:.4g}, outside [-1, 1]", min=got['min'], max=got['max']),
           hint=N_("apply mnist_transform(), which normalizes with mean 0.5 and std 0.5"))
    expect_equal(got["label_types"], ["int"], N_("the types of fake_mnist(12)'s labels"),
                 hint=N_("FakeData gives int labels: leave target_transform out"))
    expect(all(0 <= label < 10 for label in got["labels"]), _("fake_mnist(12)'s labels {labels} "
                                                              "are not all in 0..9", labels=got['labels']),
           hint=N_("num_classes=10"))


@exercise("fake_mnist", points=0.5)
def test_fake_mnist_same_seed_same_data(grade):
    first = grade.student(fake_mnist_data, 6, 3, 1)
    second = grade.student(fake_mnist_data, 6, 3, 2)
    expect_close(second, first, N_("fake_mnist(6, seed=3), built once after torch.manual_seed(1) and once after torch.manual_seed(2)"),
                 hint=N_("FakeData seeds each image from its index plus random_offset: pass random_offset=seed"), rtol=0, atol=0)


@exercise("fake_mnist", points=0.5)
def test_fake_mnist_different_seeds_different_data(grade):
    three = grade.student(fake_mnist_data, 6, 3, 1)
    four = grade.student(fake_mnist_data, 6, 4, 1)
    expect(not torch.equal(three["images"], four["images"]), N_("fake_mnist(6, seed=3) and fake_mnist(6, seed=4) hold the same images"),
           hint=N_("let the seed choose the images: FakeData(..., random_offset=seed)"))


# Hidden checks
# The same behaviour on inputs the public checks never use: graded only by the course's
# autograder (`hidden=True`), left out of the student release with the probes only they use.

def squares_items_other_size(data):
    dataset = data.SquaresDataset(9)
    return {"len": len(dataset), "items": {i: list(dataset[i]) for i in (0, 4, 8, -3)}}


@exercise("SquaresDataset", points=0.25, hidden=True)
def test_squares_dataset_of_another_size(grade):
    got, want = grade.both(squares_items_other_size)
    expect_close(got, want, N_("SquaresDataset(9)"))
