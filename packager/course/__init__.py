"""The course model and its loader: `load_course(folder)` gives a checked `Course`."""

from packager.course.errors import CourseError, SourceError
from packager.course.loader import load_course
from packager.course.model import Course, Module, Page, Question, Quiz

__all__ = ["Course", "CourseError", "Module", "Page", "Question", "Quiz", "SourceError", "load_course"]
