"""The one breadth-first search over the map (`world.routes`)."""

from world.autonomy.state import Exit
from world.routes import Route, neighbours_from_paths, place_itself, shortest_routes

# 1 → 2 → 4 and 1 → 3 → 4 (two ways of the same length), 4 → 5 one way, 6 alone.
EXITS = {
    1: (Exit(2, "Two"), Exit(3, "Three")),
    2: (Exit(1, "One"), Exit(4, "Four")),
    3: (Exit(1, "One"), Exit(4, "Four")),
    4: (Exit(2, "Two"), Exit(3, "Three"), Exit(5, "Five")),
    5: (),
}


def destination(way: Exit) -> int:
    return way.location_id


def test_every_reachable_place_with_its_distance_and_first_exit():
    routes = shortest_routes(1, EXITS, destination=destination)
    assert routes == {
        1: Route(0, None),
        2: Route(1, Exit(2, "Two")),
        3: Route(1, Exit(3, "Three")),
        4: Route(2, Exit(2, "Two")),  # a tie: the exit listed first wins
        5: Route(3, Exit(2, "Two")),
    }
    assert 6 not in routes


def test_the_listed_order_breaks_ties_whichever_it_is():
    reordered = {**EXITS, 1: (Exit(3, "Three"), Exit(2, "Two"))}
    assert shortest_routes(1, reordered, destination=destination)[4].first == Exit(3, "Three")


def test_one_way_paths_are_not_walked_backwards():
    assert set(shortest_routes(5, EXITS, destination=destination)) == {5}


def test_reach_stops_the_walk():
    assert set(shortest_routes(1, EXITS, destination=destination, reach=1)) == {1, 2, 3}
    assert set(shortest_routes(1, EXITS, destination=destination, reach=0)) == {1}


def test_a_goal_stops_the_walk_once_found():
    routes = shortest_routes(1, EXITS, destination=destination, goal=2)
    assert routes[2] == Route(1, Exit(2, "Two"))
    assert 4 not in routes and 5 not in routes


def test_neighbours_from_paths_walk_two_way_paths_both_ways():
    neighbours = neighbours_from_paths([(1, 2, True), (2, 3, False), (3, 3, True)])
    assert neighbours == {1: {2}, 2: {1, 3}, 3: {3}}
    routes = shortest_routes(3, neighbours, destination=place_itself)
    assert routes == {3: Route(0, None)}, "3 leads only to itself"
    assert {
        place: route.paths for place, route in shortest_routes(1, neighbours, destination=place_itself).items()
    } == {
        1: 0,
        2: 1,
        3: 2,
    }
