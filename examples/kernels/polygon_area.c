/* Shoelace area of a polygon given as n points (a C struct of two doubles). */
typedef struct {
    double x;
    double y;
} point;

double polygon_area(int n, const point *p) {
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        const point a = p[i], b = p[(i + 1) % n];
        s += a.x * b.y - b.x * a.y;
    }
    return 0.5 * s;
}
