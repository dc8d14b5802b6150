"""The CSV source: detection, column choice, label mapping, standardisation, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset


def write(tmp_path, text, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def load(path, **options):
    return load_dataset({"kind": "csv", "path": str(path), "val_split": 0.0, **options})


def test_header_and_comma_detected_string_labels_mapped(tmp_path):
    path = write(tmp_path, "width,height,kind\n1.5,2,cat\n3,4.25,dog\n5,6,cat\n0.5,1,bird\n")
    ds = load(path)
    assert ds.task == "classification"
    assert ds.feature_names == ["width", "height"]
    assert ds.class_names == ["bird", "cat", "dog"]
    order = np.argsort(ds.x_train[:, 0])
    np.testing.assert_allclose(ds.x_train[order], [[0.5, 1], [1.5, 2], [3, 4.25], [5, 6]])
    assert ds.y_train[order].tolist() == [0, 1, 2, 1]
    assert ds.y_train.dtype == np.int64


def test_no_header_is_detected_and_columns_are_numbered(tmp_path):
    path = write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    ds = load(path)
    assert ds.feature_names == ["column 1", "column 2"]
    assert len(ds.x_train) == 4  # the first row is data, not a header
    assert ds.class_names == ["0", "1"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_sniffed(tmp_path, delimiter):
    rows = ["a", "b", "y"], ["1", "2", "0.5"], ["3", "4", "1.5"], ["5", "6", "2.75"]
    path = write(tmp_path, "\n".join(delimiter.join(r) for r in rows) + "\n")
    ds = load(path)
    assert ds.feature_names == ["a", "b"]
    assert ds.task == "regression"
    assert sorted(ds.y_train[:, 0].tolist()) == [0.5, 1.5, 2.75]


def test_semicolon_file_with_decimal_commas(tmp_path):
    path = write(tmp_path, "a;b;y\n1,5;2;0,25\n3;4,75;1,5\n2;2;3,125\n")
    ds = load(path, task="regression")
    assert sorted(ds.x_train[:, 0].tolist()) == [1.5, 2.0, 3.0]
    assert sorted(ds.y_train[:, 0].tolist()) == [0.25, 1.5, 3.125]


def test_choose_features_and_target_by_name_and_index(tmp_path):
    path = write(tmp_path, "id,f1,f2,label\n10,1,2,a\n11,3,4,b\n12,5,6,a\n")
    ds = load(path, features=["f2", 1], target="label")
    assert ds.feature_names == ["f2", "f1"]
    order = np.argsort(ds.x_train[:, 0])
    np.testing.assert_allclose(ds.x_train[order], [[2, 1], [4, 3], [6, 5]])
    ds2 = load(path, target=0, features=["F1"], task="regression")  # names match ignoring case
    assert ds2.task == "regression" and ds2.feature_names == ["f1"]
    assert sorted(ds2.y_train[:, 0].tolist()) == [10, 11, 12]


def test_several_targets_make_a_regression_matrix(tmp_path):
    path = write(tmp_path, "x,y1,y2\n1,2,3\n4,5,6\n")
    ds = load(path, target=["y1", "y2"])
    assert ds.task == "regression" and ds.y_train.shape == (2, 2)


def test_numeric_labels_map_in_numeric_order(tmp_path):
    path = write(tmp_path, "x,label\n0.1,10\n0.2,2\n0.3,-1\n0.4,2\n")
    ds = load(path)
    assert ds.class_names == ["-1", "2", "10"]
    by_x = dict(zip(ds.x_train[:, 0].round(1).tolist(), ds.y_train.tolist(), strict=True))
    assert by_x == {0.1: 2, 0.2: 1, 0.3: 0, 0.4: 1}


def test_many_distinct_float_targets_are_regression(tmp_path):
    lines = "\n".join(f"{i},{i * 0.37:.3f}" for i in range(40))
    ds = load(write(tmp_path, "x,y\n" + lines + "\n"))
    assert ds.task == "regression" and ds.y_train.shape == (40, 1)


def test_standardisation_uses_training_statistics_only(tmp_path):
    lines = "\n".join(f"{i},{100 + 3 * i},{i % 2}" for i in range(20))
    path = write(tmp_path, "a,b,y\n" + lines + "\n")
    ds = load_dataset({"kind": "csv", "path": str(path), "val_split": 0.25, "standardize": True})
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1, atol=1e-12)
    mean, std = ds.standardization
    raw = load_dataset({"kind": "csv", "path": str(path), "val_split": 0.25})
    np.testing.assert_allclose(mean, raw.x_train.mean(axis=0))
    np.testing.assert_allclose(ds.x_val, (raw.x_val - mean) / std)
    assert not np.allclose(ds.x_val.mean(axis=0), 0)  # the validation part is not re-centred on itself


def test_relative_path_resolves_against_base_dir(tmp_path):
    write(tmp_path, "a,y\n1,0\n2,1\n", name="rel.csv")
    ds = load_dataset({"kind": "csv", "path": "rel.csv", "val_split": 0}, base_dir=tmp_path)
    assert len(ds.x_train) == 2


def test_utf8_bom_and_chinese_labels(tmp_path):
    path = write(tmp_path, "\ufeff特征,类别\n1,猫\n2,狗\n3,猫\n")
    ds = load(path)
    assert ds.feature_names == ["特征"]
    assert ds.class_names == sorted(["猫", "狗"])
    assert np.bincount(ds.y_train).tolist() == ([2, 1] if ds.class_names[0] == "猫" else [1, 2])


@pytest.mark.parametrize(("text", "words"), [
    ("", "the file is empty"),
    ("\n\n  \n", "the file is empty"),
    ("a,b,y\n", "has a header but no data rows"),
    ("a,b,y\n1,2,0\n3,,1\n", r"row 3, column 'b' \(column 2\): is empty \(missing value\)"),
    ("a,b,y\n1,2,0\n3,abc,1\n5,6,0\n", r"row 3, column 'b' \(column 2\): 'abc' is not a number"),
    ("a,b,y\n1,2,0\n3,4\n", r"row 3: has 2 values but the header has 3 columns"),
    ("a,b,y\n1,2,0\n3,inf,1\n", "'inf' is not a finite number"),
    ("a,b,y\n1,2,0\n3,4,\n", r"row 3, column 'y' \(column 3\): is empty \(missing class label\)"),
    ("just,one\n", "has a header but no data rows"),
])
def test_bad_files_name_row_and_column(tmp_path, text, words):
    with pytest.raises(DataError, match=words):
        load(write(tmp_path, text))


def test_many_bad_cells_are_summarised(tmp_path):
    lines = "\n".join(f"{i},x{i},0" for i in range(12))
    with pytest.raises(DataError, match=r"and 7 more"):
        load(write(tmp_path, "a,b,y\n" + lines + "\n"))


@pytest.mark.parametrize(("options", "words"), [
    ({"target": "nope"}, "has no column 'nope'; its columns are: a, b, y"),
    ({"target": 7}, "there is no column index 7"),
    ({"features": ["y"], "target": "y"}, "cannot be both a feature and the target"),
    ({"features": []}, "'features' must be a list"),
    ({"task": "magic"}, "'task' must be auto"),
    ({"delimiter": ";;"}, "delimiter must be one character"),
    ({"header": "yes"}, "'header' must be true"),
    ({"encoding": "klingon"}, "unknown text encoding"),
    ({"target": ["a", "y"], "task": "classification", "features": ["b"]}, "classification takes one target"),
])
def test_bad_options_are_explained(tmp_path, options, words):
    path = write(tmp_path, "a,b,y\n1,2,0\n3,4,1\n")
    with pytest.raises(DataError, match=words):
        load(path, **options)


def test_missing_file_binary_file_and_wrong_encoding(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load(tmp_path / "missing.csv")
    with pytest.raises(DataError, match="is a folder"):
        load(tmp_path)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DataError):
        load(binary)
    latin = write(tmp_path, "größe,y\n1,0\n2,1\n", name="latin.csv", encoding="latin-1")
    with pytest.raises(DataError, match=r"not utf-8 text.*latin-1"):
        load(latin)
    assert load(latin, encoding="latin-1").feature_names == ["größe"]


def test_single_column_file_asks_for_a_target(tmp_path):
    with pytest.raises(DataError, match="only one column"):
        load(write(tmp_path, "value\n1\n2\n3\n"))


def test_an_explicit_header_false_keeps_the_first_row(tmp_path):
    ds = load(write(tmp_path, "1,2,0\n3,4,1\n"), header=False)
    assert len(ds.x_train) == 2
