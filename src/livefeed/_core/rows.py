"""What `push()` is given, turned into records or into equal-length columns for the pipeline.

Runs in the user's thread, before the feed's lock is taken: what cannot be taken raises
`TypeError` or `ValueError` here, in the cell that called `push()`. pandas is never imported here:
a pandas object can only exist once its user has imported pandas.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

Records = list[Mapping[str, Any]]
Columns = dict[str, npt.NDArray[Any]]
Prepared = Records | Columns

_TAKES = (
    "push() takes a dict (one row, or columns of equal length), a list of dicts, "
    "a pandas DataFrame or a pandas Series (one row)"
)
# numpy dtype kinds kept as they are; anything else becomes an object column.
_ARRAY_KINDS = "biufcmM"


def _pandas() -> Any:
    return sys.modules.get("pandas")


def prepare_rows(rows: object, x: str | None = None) -> Prepared:
    """Turn what `push()` was given into a list of records or a dict of equal-length columns.

    - a dict whose values are all list-like (lists, tuples, ranges, 1-d numpy arrays, pandas
      Series or Index) is a batch of columns: they must have equal lengths (`ValueError` naming
      them). Any other dict is one record, values as they are: a list value is reached with a
      dotted path (`"bids.0"`); to push one record whose fields are all lists, wrap it in a list.
    - a list, tuple or other iterable of dicts (or of pandas Series) is a list of records.
    - a pandas DataFrame is a batch of columns, one per DataFrame column (names as str); times
      with a zone become UTC. When `x` names the index (or a level of it) and no column, the
      index is the x column.
    - a pandas Series is one record: its index gives the field names (a row of a DataFrame).

    Columns come back as 1-d numpy arrays: numeric and datetime64 ones as they are, nullable
    pandas numbers as float64 with NaN for NA, anything else (text, mixed values) as objects.
    Raises `TypeError` for anything else, and `ValueError` for columns that do not line up.
    """
    pd = _pandas()
    if pd is not None:
        if isinstance(rows, pd.DataFrame):
            return _frame_columns(rows, x)
        if isinstance(rows, pd.Series):
            return [_series_record(rows)]
    if isinstance(rows, Mapping):
        values = list(rows.values())
        if values and all(_is_column(value) for value in values):
            return _columns(rows)
        return [rows]
    if isinstance(rows, (str, bytes, bytearray, memoryview, np.ndarray)) or not isinstance(
        rows, Iterable
    ):
        raise TypeError(f"{_TAKES}, not a {type(rows).__name__}")
    records: Records = list(rows)
    for i, record in enumerate(records):
        if type(record) is not dict and not isinstance(record, Mapping):
            if pd is not None and isinstance(record, pd.Series):
                records[i] = _series_record(record)
                continue
            raise TypeError(f"{_TAKES}: item {i} of the list is a {type(record).__name__}")
    return records


def _is_column(value: object) -> bool:
    if isinstance(value, (list, tuple, range)):
        return True
    if isinstance(value, np.ndarray):
        return value.ndim >= 1
    pd = _pandas()
    return pd is not None and isinstance(value, (pd.Series, pd.Index))


def _columns(mapping: Mapping[Any, Any]) -> Columns:
    columns: Columns = {}
    for key, values in mapping.items():
        name = key if isinstance(key, str) else str(key)
        if name in columns:
            raise ValueError(f"two columns are named {name!r}")
        columns[name] = as_column(name, values)
    lengths = {name: len(column) for name, column in columns.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name!r} has {n:,}" for name, n in lengths.items())
        raise ValueError(f"columns must have equal lengths: {described}")
    return columns


def as_column(name: str, values: object) -> npt.NDArray[Any]:
    """`values` as a 1-d numpy array: numbers and datetime64 as they are, anything else (text,
    mixed values, Python objects) as an object array of the values themselves.

    Raises `ValueError` for more than one dimension and `TypeError` for a value that is not
    list-like.
    """
    pd = _pandas()
    if pd is not None and isinstance(values, (pd.Series, pd.Index)):
        array = _pandas_array(values)
    elif isinstance(values, np.ndarray):
        array = values
    elif isinstance(values, (list, tuple, range)):
        try:
            array = np.asarray(values)
        except (ValueError, TypeError, OverflowError):  # ragged nesting, odd objects
            array = _objects(values)
        if array.ndim != 1 or array.dtype.kind not in _ARRAY_KINDS:
            # numpy would turn [1, "a"] into the text "1", and [[1, 2]] into two dimensions.
            array = _objects(values)
    else:
        raise TypeError(f"column {name!r} must be list-like, not a {type(values).__name__}")
    if array.ndim != 1:
        raise ValueError(f"column {name!r} must be one-dimensional, not of shape {array.shape}")
    if array.dtype.kind not in _ARRAY_KINDS + "O":
        array = _objects(array.tolist() if array.dtype.kind in "US" else list(array))
    return array


def _objects(values: Any) -> npt.NDArray[Any]:
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):  # item by item: nested lists stay whole values
        array[i] = value
    return array


def _pandas_array(values: Any) -> npt.NDArray[Any]:
    """A pandas Series or Index as a numpy array, times with a zone as UTC datetime64."""
    pd = _pandas()
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        if isinstance(values, pd.Series):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        else:
            values = values.tz_convert("UTC").tz_localize(None)
        return np.asarray(values.to_numpy())
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(dtype):
        # Nullable integers, floats and booleans: NA is a gap, like NaN.
        return np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
    return np.asarray(values.to_numpy())


def _frame_columns(frame: Any, x: str | None) -> Columns:
    names = [name if isinstance(name, str) else str(name) for name in frame.columns]
    if len(set(names)) != len(names):
        repeated = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"the DataFrame has more than one column named {repeated[0]!r}")
    columns: Columns = {name: as_column(name, frame.iloc[:, i]) for i, name in enumerate(names)}
    if x is not None and x not in columns and x in list(frame.index.names):
        columns[x] = as_column(x, frame.index.get_level_values(x))
    return columns


def _series_record(series: Any) -> dict[str, Any]:
    keys = [key if isinstance(key, str) else str(key) for key in series.index]
    return dict(zip(keys, series.tolist(), strict=True))
